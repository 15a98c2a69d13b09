import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '../../db/database';
import { WebRealm } from '../web-contract';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './password-hasher';
import { SigninThrottle } from './signin-throttle';
import { TotpService } from './totp.service';
import { WebAccount, WebAccountRow, normalizeEmail, webAccountFromRow } from './web-account';

export type SigninResult =
  | { readonly kind: 'signed_in'; readonly account: WebAccount }
  | { readonly kind: 'totp_required'; readonly account: WebAccount }
  | { readonly kind: 'failed' }
  | { readonly kind: 'locked'; readonly until: number };

/**
 * Checks an e-mail and password (then a TOTP code when the account has one) under the
 * throttle. The answer never says whether the e-mail exists: an unknown e-mail costs
 * a decoy scrypt and counts a failure like a wrong password.
 *
 * @example
 * ```ts
 * const r = await signin.password('merchant', 'owner@shop.example', 'passphrase', req.ip ?? '');
 * if (r.kind === 'totp_required') askForCode();
 * ```
 */
@injectable()
export class WebSignin {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(SigninThrottle) private readonly throttle: SigninThrottle,
    @inject(TotpService) private readonly totp: TotpService,
  ) {}

  async password(realm: WebRealm, email: string, password: string, address: string): Promise<SigninResult> {
    const normalized = normalizeEmail(email);
    const keys = SigninThrottle.keys(realm, normalized, address);
    const until = await this.throttle.lockedUntil(keys);
    if (until !== undefined) return { kind: 'locked', until };
    const row = normalized === '' ? undefined : ((await this.db('web_accounts').where({ realm, email: normalized }).first()) as WebAccountRow | undefined);
    const stored = row?.password_hash ?? null;
    const ok = stored === null ? (await verifyPassword(password, await decoyHash()), false) : await verifyPassword(password, stored);
    if (!ok || row === undefined || stored === null) {
      await this.throttle.recordFailure(keys);
      return { kind: 'failed' };
    }
    if (needsRehash(stored)) await this.db('web_accounts').where({ id: row.id }).update({ password_hash: await hashPassword(password) });
    const account = webAccountFromRow(row);
    if (account.totpEnabled) return { kind: 'totp_required', account };
    await this.throttle.clear(keys.email);
    return { kind: 'signed_in', account };
  }

  /** The second step: a TOTP code for an account whose password was right. */
  async code(account: WebAccount, code: string, address: string): Promise<SigninResult> {
    const keys = SigninThrottle.keys(account.realm, account.email, address);
    const until = await this.throttle.lockedUntil(keys);
    if (until !== undefined) return { kind: 'locked', until };
    if (!(await this.totp.verifySignin(account.id, code))) {
      await this.throttle.recordFailure(keys);
      return { kind: 'failed' };
    }
    await this.throttle.clear(keys.email);
    return { kind: 'signed_in', account };
  }
}
