import { cardBrandLabel } from '../pages/card-brand-label';
import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database, Transaction, isUniqueViolation } from '../db/database';
import { inTransaction } from '../db/transaction';
import { EmailQueue } from '../notifications/email/email-queue';
import { Payment } from '../payments/payment';
import { AlertPattern } from './risk-alert-settings';
import { RiskAssessment } from './risk-assessment';

/** One pattern an attempt took over its threshold, and whom or what it is about. */
interface Crossing {
  readonly pattern: AlertPattern;
  /** The IP, the card fingerprint, or '' for the merchant as a whole. */
  readonly subject: string;
  readonly windowSeconds: number;
  readonly data: Record<string, string | number | boolean | null>;
}

/**
 * Alert e-mails when a pattern crosses its threshold in a window (docs/risk.md,
 * "Alert e-mails"): card testing from one IP (the `card_testing` rule fired), one
 * card declined again and again (the `declines` rule fired), a burst of blocked
 * attempts for the merchant (`threshold` blocks within the window). Called after
 * the attempt's outcome is committed; an attempt that crosses nothing costs no query.
 *
 * One e-mail per pattern, subject and window, whatever the number of gateway
 * processes: the e-mails are queued in the transaction that claims the pattern's
 * mark (`risk_alert_marks`, a conditional UPDATE, or the INSERT of a first mark that
 * a unique key lets only one process win). The merchant's copy goes to its address
 * in the alert locale of its rule set; the operator's to TENDER_RISK_ALERT_EMAIL.
 * Only masked data goes into an e-mail: the card as brand and last 4.
 *
 * @example
 * ```ts
 * await alerts.observe(blockedPayment, risk); // queues at most one e-mail per crossed pattern
 * ```
 */
@injectable()
export class RiskPatternAlerts {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(EmailQueue) private readonly emails: EmailQueue,
  ) {}

  async observe(payment: Payment, risk: RiskAssessment): Promise<number> {
    const a = risk.alerts;
    const operatorAddress = a.emailOperator ? this.config.riskAlertEmail : undefined;
    if (!a.emailMerchant && operatorAddress === undefined) return 0;
    const now = this.clock.now();
    const fired = (code: string): string | undefined => risk.reasons.find((r) => r.rule === code && !r.dry_run)?.reason;
    const crossings: Crossing[] = [];
    const testing = fired('card_testing');
    if (a.patterns.card_testing.enabled && testing !== undefined && risk.ip !== undefined) {
      crossings.push({
        pattern: 'card_testing',
        subject: risk.ip,
        windowSeconds: a.patterns.card_testing.windowSeconds,
        data: { ip: risk.ip, reason: testing },
      });
    }
    const declines = fired('declines');
    if (a.patterns.declines.enabled && declines !== undefined) {
      crossings.push({
        pattern: 'declines',
        subject: risk.card.fingerprint,
        windowSeconds: a.patterns.declines.windowSeconds,
        data: { card: `${cardBrandLabel(risk.card.brand)} •••• ${risk.card.last4}`, reason: declines },
      });
    }
    if (a.patterns.blocks.enabled && risk.action === 'block') {
      const { threshold, windowSeconds } = a.patterns.blocks;
      const blocked = await this.blockedSince(payment, now - windowSeconds * 1000, threshold);
      if (blocked >= threshold)
        crossings.push({
          pattern: 'blocks',
          subject: '',
          windowSeconds,
          data: { count: blocked, reason: `${blocked} blocked attempts in the last ${windowSeconds}s` },
        });
    }
    let sent = 0;
    for (const crossing of crossings) {
      const queued = await inTransaction(this.db, async (trx) => {
        if (!(await this.claim(trx, payment, crossing, now))) return 0;
        return this.enqueue(trx, payment, crossing, operatorAddress, a.emailMerchant, a.locale);
      });
      sent += queued;
    }
    return sent;
  }

  /** Blocked attempts of the merchant since `since`, counting `cap` at most (index risk_assessments_outcome). */
  private async blockedSince(payment: Payment, since: number, cap: number): Promise<number> {
    const inner = this.db('risk_assessments')
      .select('id')
      .where({ merchant_id: payment.merchantId, livemode: payment.livemode, outcome: 'blocked' })
      .andWhere('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .limit(cap);
    const row = await this.db.from(inner.as('b')).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  /** True when this process may send the window's alert: no mark yet, or the last one is a window old. */
  private async claim(trx: Transaction, payment: Payment, crossing: Crossing, now: number): Promise<boolean> {
    const key = {
      merchant_id: payment.merchantId,
      livemode: payment.livemode,
      pattern: crossing.pattern,
      subject_hash: createHash('sha256').update(crossing.subject).digest('hex'),
    };
    const updated = await trx('risk_alert_marks')
      .where(key)
      .andWhere('last_sent_at', '<=', now - crossing.windowSeconds * 1000)
      .update({ last_sent_at: now });
    if (updated > 0) return true;
    try {
      await trx('risk_alert_marks').insert({ ...key, last_sent_at: now, created_at: now });
      return true;
    } catch (error) {
      // The mark exists: sent within the window, or another process claimed it just now.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  private async enqueue(
    trx: Transaction,
    payment: Payment,
    crossing: Crossing,
    operatorAddress: string | undefined,
    toMerchant: boolean,
    locale: string | undefined,
  ): Promise<number> {
    const merchant = await trx('merchants').select('name', 'email').where({ id: payment.merchantId }).first();
    const data = {
      merchant_name: merchant === undefined ? payment.merchantId : String(merchant.name),
      merchant_id: payment.merchantId,
      pattern: crossing.pattern,
      card_testing: crossing.pattern === 'card_testing',
      declines: crossing.pattern === 'declines',
      blocks: crossing.pattern === 'blocks',
      payment_id: payment.id,
      window_minutes: Math.round(crossing.windowSeconds / 60),
      livemode: payment.livemode,
      ip: null,
      card: null,
      count: null,
      ...crossing.data,
    };
    const common = { merchantId: payment.merchantId, livemode: payment.livemode, template: 'risk_alert' as const };
    let queued = 0;
    if (toMerchant && merchant !== undefined) {
      await this.emails.enqueue(trx, {
        ...common,
        locale: locale ?? this.config.notifications.emailLocale,
        recipient: String(merchant.email),
        data: { ...data, operator: false },
      });
      queued++;
    }
    if (operatorAddress !== undefined) {
      await this.emails.enqueue(trx, {
        ...common,
        locale: this.config.notifications.emailLocale,
        recipient: operatorAddress,
        data: { ...data, operator: true },
      });
      queued++;
    }
    return queued;
  }
}
