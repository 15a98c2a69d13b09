import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '../db/database';
import { randomToken } from '../ids/ids';
import { notFound } from '../errors/tender-error';

/**
 * Each merchant's signing secret: Tender signs return_url redirects with it, and the
 * shop signs its HTML payment forms with it (HMAC-SHA256, docs/hosted-page.md).
 * Created on first use, so merchants made before this feature get one too; two
 * processes creating it at once agree, because only a NULL is ever overwritten.
 *
 * @example
 * ```ts
 * const secret = await signingSecrets.secretFor('mer_...'); // 'tss_...'
 * ```
 */
@injectable()
export class SigningSecretService {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  async secretFor(merchantId: string): Promise<string> {
    const row = await this.db('merchants').select('signing_secret').where({ id: merchantId }).first();
    if (row === undefined) throw notFound('merchant', merchantId);
    if (row.signing_secret !== null && row.signing_secret !== undefined) return String(row.signing_secret);
    await this.db('merchants')
      .where({ id: merchantId })
      .whereNull('signing_secret')
      .update({ signing_secret: `tss_${randomToken(40)}` });
    const created = await this.db('merchants').select('signing_secret').where({ id: merchantId }).first();
    return String(created?.signing_secret);
  }
}
