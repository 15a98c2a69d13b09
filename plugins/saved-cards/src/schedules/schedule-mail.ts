import path from 'node:path';
import { CoreServices, MerchantMail, Queryable, cardBrandLabel, formatAmount } from '@tender/core';
import { SavedCard } from '../cards/saved-card';
import { Customer } from '../customers/customer';
import { dateIn, formatCalendarDate } from './schedule-calendar';
import { Schedule } from './schedule';

/** The schedules' e-mails to the customer (templates/email/schedules/, ru, en, ar). */
export const SCHEDULE_EMAILS = {
  upcoming: 'saved-cards.schedule-upcoming',
  failed: 'saved-cards.schedule-charge-failed',
} as const;

/** Where the templates live: in the package, next to dist/ (shipped with `templates`). */
export const SCHEDULE_EMAIL_DIR = path.join(__dirname, '..', '..', 'templates', 'email', 'schedules');

/** What the failed-charge e-mail says happens next. */
export type FailureFollowUp = { readonly kind: 'retry'; readonly at: number } | { readonly kind: 'stopped' };

/**
 * Queues the customer's e-mails about a schedule, in the transaction of the change
 * that causes them: the charge coming in a few days, and a charge that failed (with
 * the retry date, or that the schedule stopped). In the schedule's language (else the
 * merchant's, else the operator's), dates in the schedule's time zone; the card is
 * shown as brand and last 4. A customer without an e-mail address gets none.
 *
 * @example
 * ```ts
 * await mail.upcoming(trx, schedule, customer, card);
 * ```
 */
export class ScheduleMail {
  constructor(
    private readonly emails: () => CoreServices['emails'],
    private readonly merchants: () => MerchantMail,
  ) {}

  async upcoming(q: Queryable, schedule: Schedule, customer: Customer | undefined, card: SavedCard | undefined): Promise<boolean> {
    if (schedule.nextChargeAt === null) return false;
    return this.send(q, SCHEDULE_EMAILS.upcoming, schedule, customer, card, { charge_date: schedule.nextChargeAt });
  }

  async failed(
    q: Queryable,
    schedule: Schedule,
    customer: Customer | undefined,
    card: SavedCard | undefined,
    reason: string | null,
    followUp: FailureFollowUp,
  ): Promise<boolean> {
    return this.send(q, SCHEDULE_EMAILS.failed, schedule, customer, card, {
      reason: reason ?? '',
      ...(followUp.kind === 'retry' ? { retry_date: followUp.at } : { stopped: true }),
    });
  }

  private async send(
    q: Queryable,
    template: string,
    schedule: Schedule,
    customer: Customer | undefined,
    card: SavedCard | undefined,
    extra: Record<string, string | number | boolean>,
  ): Promise<boolean> {
    const recipient = customer?.email ?? null;
    if (recipient === null || recipient === '') return false;
    const merchant = await this.merchants().merchant(q, schedule.merchantId);
    const locale = schedule.locale ?? merchant?.locale ?? 'en';
    const date = (ms: number): string => formatDay(ms, schedule.terms.timeZone, locale);
    const data: Record<string, string | number | boolean | null> = {
      merchant_name: merchant?.name ?? '',
      customer_name: customer?.name ?? '',
      amount: formatAmount(schedule.amount, schedule.currency, locale),
      description: schedule.description ?? '',
      card: card === undefined ? '' : `${cardBrandLabel(card.brand)} •••• ${card.last4}`,
      schedule_id: schedule.id,
      livemode: schedule.livemode,
    };
    for (const [key, value] of Object.entries(extra)) data[key] = key.endsWith('_date') && typeof value === 'number' ? date(value) : value;
    await this.emails().enqueue(q, {
      merchantId: schedule.merchantId,
      livemode: schedule.livemode,
      template: template as `${string}.${string}`,
      locale,
      recipient,
      data,
    });
    return true;
  }
}

/** A day for people, in the zone and language ("31 January 2027"); ISO date if the runtime lacks the locale. */
export function formatDay(ms: number, timeZone: string, locale: string): string {
  const intl = locale === 'ar' ? 'ar-u-nu-latn-ca-gregory' : locale === 'ru' ? 'ru' : 'en-GB';
  try {
    return new Intl.DateTimeFormat(intl, { timeZone, dateStyle: 'long' }).format(new Date(ms));
  } catch {
    return formatCalendarDate(dateIn(ms, timeZone));
  }
}
