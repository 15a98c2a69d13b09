import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { randomToken } from '../ids/ids';

/**
 * One-time form tokens for the hosted pages: every rendered form carries a fresh
 * token, and a POST is accepted only if it consumes an unused one for the same
 * payment (or link). That is the CSRF protection (another site cannot read the
 * token out of our page) and the first guard against a double submit: the second
 * POST of the same form finds its token used. The payment state machine's 409 is
 * the second guard. Stored hashed, in the database, so any gateway process can
 * accept a form another one rendered.
 *
 * @example
 * ```ts
 * const token = await formTokens.issue(payment.id);
 * await formTokens.consume(payment.id, req.body.form_token); // true once, then false
 * ```
 */
@injectable()
export class FormTokenService {
  /** Long enough to type a card number slowly; short enough that old tabs cannot submit. */
  static readonly TTL_MS = 60 * 60_000;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async issue(scope: string): Promise<string> {
    const token = randomToken(32);
    const now = this.clock.now();
    await this.db('page_form_tokens').insert({ token_hash: hash(token), scope, expires_at: now + FormTokenService.TTL_MS, used_at: null, created_at: now });
    return token;
  }

  /** True exactly once per token, and only for its scope and before it expires. */
  async consume(scope: string, token: unknown): Promise<boolean> {
    if (typeof token !== 'string' || !/^[0-9A-Za-z]{32}$/.test(token)) return false;
    const now = this.clock.now();
    const changed = await this.db('page_form_tokens').where({ token_hash: hash(token), scope }).whereNull('used_at').andWhere('expires_at', '>', now).update({ used_at: now });
    return changed === 1;
  }

  /** Drops tokens that can no longer be used. */
  async purgeExpired(): Promise<number> {
    return this.db('page_form_tokens').where('expires_at', '<', this.clock.now()).delete();
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
