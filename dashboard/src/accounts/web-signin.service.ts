import { inject, injectable } from 'tsyringe';
import {
  AttemptLimiter,
  DATABASE,
  Database,
  WebAccount,
  WebAccountRow,
  WebRealm,
  decoyHash,
  hashPassword,
  needsRehash,
  normalizeEmail,
  verifyPassword,
  webAccountFromRow,
} from '@tender/core';
import { codeAttempt, passwordAttempt } from './signin-limits';
import { TotpService } from './totp.service';

export type SigninResult =
  | { readonly kind: 'signed_in'; readonly account: WebAccount }
  | { readonly kind: 'totp_required'; readonly account: WebAccount }
  | { readonly kind: 'failed' }
  | { readonly kind: 'locked'; readonly until: number };

/**
 * Checks an e-mail and password (then a TOTP code when the account has one) under the
 * attempt limits (signin-limits.ts). Each attempt is counted before it is checked, so
 * attempts sent in parallel cannot all pass a limit that only the finished ones would
 * have reached; a right answer gives its attempt back. The answer never says whether
 * the e-mail exists: an unknown e-mail costs a decoy scrypt and counts like a wrong password.
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
    @inject(AttemptLimiter) private readonly limiter: AttemptLimiter,
    @inject(TotpService) private readonly totp: TotpService,
  ) {}

  async password(realm: WebRealm, email: string, password: string, address: string): Promise<SigninResult> {
    const normalized = normalizeEmail(email);
    const attempt = await this.limiter.reserve(passwordAttempt(realm, normalized, address));
    if (!attempt.allowed) return { kind: 'locked', until: attempt.until };
    const row = normalized === '' ? undefined : ((await this.db('web_accounts').where({ realm, email: normalized }).first()) as WebAccountRow | undefined);
    const stored = row?.password_hash ?? null;
    const ok = stored === null ? (await verifyPassword(password, await decoyHash()), false) : await verifyPassword(password, stored);
    // Wrong: the attempt stays counted.
    if (!ok || row === undefined || stored === null) return { kind: 'failed' };
    await this.limiter.succeeded(attempt.ticket);
    if (needsRehash(stored))
      await this.db('web_accounts')
        .where({ id: row.id })
        .update({ password_hash: await hashPassword(password) });
    const account = webAccountFromRow(row);
    // The code has its own count (per account), so a right password is not held against it.
    return { kind: account.totpEnabled ? 'totp_required' : 'signed_in', account };
  }

  /** The second step: a TOTP code for an account whose password was right. */
  async code(account: WebAccount, code: string, address: string): Promise<SigninResult> {
    const attempt = await this.limiter.reserve(codeAttempt(account.id, address));
    if (!attempt.allowed) return { kind: 'locked', until: attempt.until };
    if (!(await this.totp.verifySignin(account.id, code))) return { kind: 'failed' };
    await this.limiter.succeeded(attempt.ticket);
    return { kind: 'signed_in', account };
  }
}
