import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { TenderConfig } from '../../config/config';
import { CONFIG } from '../../config/tokens';
import { DATABASE, Database, Queryable } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { TenderError } from '../../errors/tender-error';
import { randomToken } from '../../ids/ids';
import { EmailQueue } from '../../notifications/email/email-queue';
import { hashPassword } from './password-hasher';
import { assertPassword, WebAccountService } from './web-account.service';
import { WebAccount, normalizeEmail } from './web-account';

/** How long links work: an invitation three days, a reset one hour. */
export const PASSWORD_LINK_TTL = { invitationMs: 72 * 3600_000, resetMs: 3600_000 } as const;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * One-time set-password links, the way merchant users come to have a password: the
 * first owner (the merchant's registered e-mail asks for a link on the sign-in page),
 * users an owner adds on the team screen (invitation), and forgotten passwords
 * (reset). Only a hash of the token is stored; the e-mail goes through the e-mail
 * outbox in the same transaction as the link. Setting the password ends every
 * session of the account.
 *
 * @example
 * ```ts
 * await links.sendInvitation(account, 'en');   // e-mail with /dashboard/password/<token>
 * await links.consume(token, 'a long new passphrase');
 * ```
 */
@injectable()
export class PasswordLinkService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(EmailQueue) private readonly emails: EmailQueue,
    @inject(WebAccountService) private readonly accounts: WebAccountService,
  ) {}

  /** A link for an account (returned, not sent: the operator API and tests use it directly). */
  async create(accountId: string, ttlMs: number): Promise<string> {
    const token = randomToken(32);
    const now = this.clock.now();
    await this.db('web_password_links').insert({
      token_hash: hashToken(token),
      account_id: accountId,
      expires_at: now + ttlMs,
      used_at: null,
      created_at: now,
    });
    return token;
  }

  urlFor(account: WebAccount, token: string): string {
    return `${this.config.publicUrl}/${account.realm === 'operator' ? 'console' : 'dashboard'}/password/${token}`;
  }

  /** E-mails an invitation; the link is returned too (the operator API shows it once). */
  sendInvitation(account: WebAccount, locale: string): Promise<string | undefined> {
    return this.send(account, locale, true);
  }

  /**
   * "Send me a link" on the dashboard's sign-in page. For an existing user: a reset
   * link. For the registered e-mail of a merchant that has no user yet: its first
   * owner, with an invitation. Otherwise nothing; the page says the same either way.
   */
  async request(email: string, locale: string): Promise<void> {
    const normalized = normalizeEmail(email);
    const existing = await this.accounts.findByEmail('merchant', normalized);
    if (existing !== undefined) {
      await this.send(existing, locale, false);
      return;
    }
    const merchants = (await this.db('merchants').whereRaw('LOWER(email) = ?', [normalized]).orderBy('created_at').limit(5).select('id')) as Array<{
      id: string;
    }>;
    for (const m of merchants) {
      if ((await this.accounts.countMerchantUsers(m.id)) > 0) continue;
      const owner = await this.accounts.createMerchantUser({ merchantId: m.id, email: normalized, role: 'owner' });
      await this.send(owner, locale, true);
      return;
    }
  }

  /** The account a link belongs to, if the link still works. */
  async peek(token: string): Promise<WebAccount | undefined> {
    const row = await this.live(token);
    return row === undefined ? undefined : this.accounts.findById(row.account_id);
  }

  async consume(token: string, password: string): Promise<WebAccount> {
    assertPassword(password);
    const hash = await hashPassword(password);
    const accountId = await inTransaction(this.db, async (trx) => {
      const row = await this.live(token, trx);
      if (row === undefined) throw new TenderError('web_password_link_invalid');
      const used = await trx('web_password_links').where({ token_hash: row.token_hash }).whereNull('used_at').update({ used_at: this.clock.now() });
      if (used !== 1) throw new TenderError('web_password_link_invalid');
      await trx('web_accounts').where({ id: row.account_id }).update({ password_hash: hash, updated_at: this.clock.now() });
      await trx('web_sessions').where({ account_id: row.account_id }).delete();
      return row.account_id;
    });
    const account = await this.accounts.findById(accountId);
    if (account === undefined) throw new TenderError('web_password_link_invalid');
    return account;
  }

  private async live(token: string, q: Queryable = this.db): Promise<{ token_hash: string; account_id: string } | undefined> {
    if (!/^[0-9A-Za-z]{32}$/.test(token)) return undefined;
    const row = (await q('web_password_links')
      .where({ token_hash: hashToken(token) })
      .whereNull('used_at')
      .where('expires_at', '>', this.clock.now())
      .first()) as { token_hash: string; account_id: string } | undefined;
    return row;
  }

  private async send(account: WebAccount, locale: string, invitation: boolean): Promise<string | undefined> {
    if (account.merchantId === undefined) return undefined;
    const ttl = invitation ? PASSWORD_LINK_TTL.invitationMs : PASSWORD_LINK_TTL.resetMs;
    const merchant = (await this.db('merchants').where({ id: account.merchantId }).first('name')) as { name: string } | undefined;
    const token = randomToken(32);
    const now = this.clock.now();
    await inTransaction(this.db, async (trx) => {
      await trx('web_password_links').insert({ token_hash: hashToken(token), account_id: account.id, expires_at: now + ttl, used_at: null, created_at: now });
      await this.emails.enqueue(trx, {
        merchantId: account.merchantId ?? '',
        livemode: false,
        template: 'web_password_link',
        locale: ['en', 'ru', 'ar'].includes(locale) ? locale : 'en',
        recipient: account.email,
        data: { url: this.urlFor(account, token), email: account.email, merchant_name: merchant?.name ?? '', invitation, hours: Math.round(ttl / 3600_000) },
      });
    });
    return this.urlFor(account, token);
  }
}
