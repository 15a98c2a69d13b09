import { inject, injectable } from 'tsyringe';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { CLOCK, CONFIG, Clock, DATABASE, Database, TenderConfig, TenderError, WebAccountRow } from '@tender/core';
import { TotpSecretBox } from './totp-secret-box';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s; one step of clock drift either way. */
const TOTP_SETTINGS = { algorithm: 'SHA1', digits: 6, period: 30, window: 1 } as const;

export interface TotpEnrolment {
  readonly secret: string;
  readonly uri: string;
  /** An SVG image of the URI as a QR code, to scan with the app. */
  readonly qrSvg: string;
}

/**
 * The optional TOTP second factor (otpauth). Enrolment stores a new sealed secret,
 * still disabled; the first correct code turns it on. A code is accepted once: the
 * last used time step is kept, so a code seen over someone's shoulder cannot be
 * replayed within its 30 seconds.
 *
 * @example
 * ```ts
 * const e = await totp.startEnrolment(account.id, account.email);   // show e.qrSvg
 * await totp.confirmEnrolment(account.id, '123456');                 // now required at sign-in
 * ```
 */
@injectable()
export class TotpService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(TotpSecretBox) private readonly box: TotpSecretBox,
    @inject(CONFIG) private readonly config: TenderConfig,
  ) {}

  /** The name authenticator apps list the code under: the operator's brand (TENDER_BRAND_NAME). */
  private get issuer(): string {
    return this.config.brand.name;
  }

  async startEnrolment(accountId: string, email: string, issuer = this.issuer): Promise<TotpEnrolment> {
    const secret = new Secret({ size: 20 }).base32;
    const sealed = this.box.seal(accountId, secret);
    const changed = await this.db('web_accounts')
      .where({ id: accountId, totp_enabled: false })
      .update({ totp_key_version: sealed.version, totp_secret_box: sealed.box, totp_last_step: null, updated_at: this.clock.now() });
    if (changed !== 1) throw new TenderError('parameter_invalid', { message: 'A second factor is already on; turn it off first.' });
    return this.describe(secret, email, issuer);
  }

  /** The pending enrolment again (the page is reloaded before the code is typed). */
  async pendingEnrolment(accountId: string, email: string, issuer = this.issuer): Promise<TotpEnrolment | undefined> {
    const row = (await this.db('web_accounts').where({ id: accountId }).first()) as WebAccountRow | undefined;
    if (row === undefined || Boolean(row.totp_enabled) || row.totp_secret_box === null || row.totp_key_version === null) return undefined;
    return this.describe(this.box.open(accountId, row.totp_key_version, row.totp_secret_box), email, issuer);
  }

  async confirmEnrolment(accountId: string, code: string): Promise<void> {
    if (!(await this.check(accountId, code, false))) throw new TenderError('web_totp_invalid', { param: 'code' });
    await this.db('web_accounts').where({ id: accountId }).update({ totp_enabled: true, updated_at: this.clock.now() });
  }

  /** Turning the factor off asks for a current code, so a borrowed session alone cannot do it. */
  async disable(accountId: string, code: string): Promise<void> {
    if (!(await this.check(accountId, code, true))) throw new TenderError('web_totp_invalid', { param: 'code' });
    await this.db('web_accounts')
      .where({ id: accountId })
      .update({ totp_enabled: false, totp_secret_box: null, totp_key_version: null, totp_last_step: null, updated_at: this.clock.now() });
  }

  /** Checks a code at sign-in (the factor must be on) and uses it up. */
  verifySignin(accountId: string, code: string): Promise<boolean> {
    return this.check(accountId, code, true);
  }

  private async check(accountId: string, code: string, enabled: boolean): Promise<boolean> {
    const token = code.replace(/\s+/g, '');
    if (!/^[0-9]{6}$/.test(token)) return false;
    const row = (await this.db('web_accounts').where({ id: accountId }).first()) as WebAccountRow | undefined;
    if (row === undefined || Boolean(row.totp_enabled) !== enabled || row.totp_secret_box === null || row.totp_key_version === null) return false;
    const totp = this.totp(this.box.open(accountId, row.totp_key_version, row.totp_secret_box), row.email, this.issuer);
    const timestamp = this.clock.now();
    const delta = totp.validate({ token, timestamp, window: TOTP_SETTINGS.window });
    if (delta === null) return false;
    const step = totp.counter({ timestamp }) + delta;
    const last = row.totp_last_step === null ? -1 : Number(row.totp_last_step);
    if (step <= last) return false;
    // Conditional update: of two processes given the same code at once, one wins.
    const q = this.db('web_accounts').where({ id: accountId });
    if (row.totp_last_step === null) q.whereNull('totp_last_step');
    else q.where({ totp_last_step: row.totp_last_step });
    return (await q.update({ totp_last_step: step })) === 1;
  }

  private totp(secret: string, email: string, issuer: string): TOTP {
    return new TOTP({
      issuer,
      label: email,
      algorithm: TOTP_SETTINGS.algorithm,
      digits: TOTP_SETTINGS.digits,
      period: TOTP_SETTINGS.period,
      secret: Secret.fromBase32(secret),
    });
  }

  private async describe(secret: string, email: string, issuer: string): Promise<TotpEnrolment> {
    const uri = this.totp(secret, email, issuer).toString();
    return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
  }
}
