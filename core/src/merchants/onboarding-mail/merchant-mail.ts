import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { TenderConfig } from '../../config/config';
import { CONFIG } from '../../config/tokens';
import { Queryable, isUniqueViolation } from '../../db/database';
import { EmailQueue, EmailValue, OnboardingEmailTemplate } from '../../notifications/email/email-queue';
import { PAGE_LOCALES, PageLocale } from '../../pages/page-locale';
import { isTimeZone } from '../../config/notifications-config';

/** Where a merchant e-mail leads: a screen of the dashboard, never an API URL. */
export type DashboardStep = 'onboarding' | 'developers' | 'risk' | 'home';

/** What a merchant e-mail needs of its merchant: the recipient, the language and the time zone. */
export interface MailMerchant {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly locale: PageLocale;
  readonly timeZone: string;
}

/**
 * Queues onboarding's e-mails and notices, to a merchant or to the operator, in the
 * caller's transaction. A merchant e-mail is in the merchant's language (its
 * `locale` column where the schema has one, else TENDER_EMAIL_LOCALE), shows dates in
 * its time zone (its `time_zone` column, else TENDER_TIME_ZONE), links to the
 * dashboard screen of its next step, and names the operator's support contact (the
 * dispatcher also sets Reply-To to it). `once` makes a notice at-most-once across
 * processes and restarts: the key is claimed in `sent_notices` (unique) in the same
 * transaction, and a lost claim queues nothing.
 *
 * @example
 * ```ts
 * await mail.toMerchant(trx, merchantId, 'onboarding/test-mode-warning', 'onboarding', { deadline }, { once: `test_mode.warning:${merchantId}:${expiresAt}` });
 * ```
 */
@injectable()
export class MerchantMail {
  constructor(
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EmailQueue) private readonly emails: EmailQueue,
  ) {}

  /** The merchant's mail facts, or undefined when there is no such merchant. */
  async merchant(q: Queryable, merchantId: string): Promise<MailMerchant | undefined> {
    // select *: `locale` and `time_zone` are read when the schema has them (the sign-up's language choice adds them).
    const row = (await q('merchants').where({ id: merchantId }).first()) as Record<string, unknown> | undefined;
    if (row === undefined) return undefined;
    const locale = PAGE_LOCALES.find((l) => l === row.locale) ?? (this.config.notifications.emailLocale as PageLocale);
    const zone = typeof row.time_zone === 'string' && isTimeZone(row.time_zone) ? row.time_zone : this.config.notifications.timeZone;
    return { id: String(row.id), name: String(row.name), email: String(row.email), locale, timeZone: zone };
  }

  /** A date for people: day, month, year and time in the merchant's language and time zone, the zone named. */
  moment(ms: number, to: Pick<MailMerchant, 'locale' | 'timeZone'>): string {
    return formatMoment(ms, to.locale, to.timeZone);
  }

  /** Queues `template` to the merchant; false when `once` was already claimed (nothing queued). */
  async toMerchant(
    q: Queryable,
    to: MailMerchant,
    template: OnboardingEmailTemplate,
    step: DashboardStep,
    data: Readonly<Record<string, EmailValue>>,
    options: { livemode?: boolean; once?: string } = {},
  ): Promise<boolean> {
    if (options.once !== undefined && !(await this.claim(q, options.once, to.id))) return false;
    const n = this.config.notifications;
    await this.emails.enqueue(q, {
      merchantId: to.id,
      livemode: options.livemode ?? false,
      template,
      locale: to.locale,
      recipient: to.email,
      data: {
        merchant_name: to.name,
        link: step === 'home' ? n.dashboardUrl : `${n.dashboardUrl}/${step}`,
        support_email: n.supportEmail ?? null,
        support_phone: n.supportPhone ?? null,
        ...data,
      },
    });
    return true;
  }

  /** Queues an alert to the operator (TENDER_OPERATOR_ALERT_EMAIL), linking to the merchant in the console; false when there is no address or `once` was claimed. */
  async toOperator(
    q: Queryable,
    about: MailMerchant,
    template: OnboardingEmailTemplate,
    data: Readonly<Record<string, EmailValue>>,
    once: string,
  ): Promise<boolean> {
    const recipient = this.config.operatorAlertEmail;
    if (recipient === undefined) return false;
    if (!(await this.claim(q, once, about.id))) return false;
    const n = this.config.notifications;
    await this.emails.enqueue(q, {
      merchantId: about.id,
      livemode: false,
      template,
      locale: n.emailLocale,
      recipient,
      data: { merchant_name: about.name, merchant_email: about.email, merchant_id: about.id, link: `${n.consoleUrl}/merchants/${about.id}`, ...data },
    });
    return true;
  }

  /**
   * Claims a notice key; false when it is taken. A unique-key violation fails only
   * its own statement (SQLite and InnoDB), so the caller's transaction goes on.
   */
  async claim(q: Queryable, key: string, merchantId: string | null): Promise<boolean> {
    try {
      await q('sent_notices').insert({
        notice_key: key.slice(0, 191),
        kind: key.split(':')[0]?.slice(0, 64) ?? key,
        merchant_id: merchantId,
        created_at: this.clock.now(),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}

/**
 * @example
 * ```ts
 * formatMoment(Date.UTC(2026, 0, 2, 9, 30), 'en', 'Europe/Moscow'); // 'January 2, 2026 at 12:30 PM GMT+3'
 * ```
 */
export function formatMoment(ms: number, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(ms);
}
