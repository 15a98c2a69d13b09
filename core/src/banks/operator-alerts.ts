import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database, isUniqueViolation } from '../db/database';
import { inTransaction } from '../db/transaction';
import { newId } from '../ids/ids';
import { EmailQueue } from '../notifications/email/email-queue';
import { EventOutbox } from '../notifications/event-outbox';

/** What the operator must look at: money a bank keeps holding, or an operation no bank can find. */
/** `late_payment_returned`: a buyer paid elsewhere after the payment had expired or closed, and the money was sent back. */
/** `late_payment_return_failed`: sending such money back failed on every try (LatePaymentReturns): the operator returns it by hand. */
export type BankAlertKind = 'reversal_refused' | 'operation_unresolved' | 'late_payment_returned' | 'late_payment_return_failed';

export interface BankAlert {
  readonly kind: BankAlertKind;
  /** The bank operation reference (what the bank saw). */
  readonly reference: string;
  readonly paymentId: string;
  /** One line for the operator; never card data. */
  readonly summary: string;
}

/** The seam adapters raise operator alerts through (BankOperatorAlerts in the gateway). */
export interface BankAlertSink {
  /** True when this call raised the alert, false when it had been raised before. */
  raise(alert: BankAlert): Promise<boolean>;
}

/** Event type of each alert kind (subscribable like every event, docs/webhooks.md). */
export const BANK_ALERT_EVENTS: Readonly<Record<BankAlertKind, string>> = {
  reversal_refused: 'bank_operation.reversal_refused',
  operation_unresolved: 'bank_operation.unresolved',
  late_payment_returned: 'bank_operation.late_payment_returned',
  late_payment_return_failed: 'bank_operation.late_payment_return_failed',
};

/**
 * Raises an operator alert about a bank operation, once per kind and reference
 * whatever the number of gateway processes (the `bank_operator_alerts` unique key):
 * in one transaction, the alert row, an event on the payment's merchant, and an
 * e-mail to TENDER_OPERATOR_ALERT_EMAIL when set.
 *
 * @example
 * ```ts
 * await alerts.raise({ kind: 'reversal_refused', reference: 'op_1', paymentId: 'pay_1', summary: 'reversal refused 3 times (96)' });
 * ```
 */
@injectable()
export class BankOperatorAlerts implements BankAlertSink {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(EmailQueue) private readonly emails: EmailQueue,
    @inject(EventOutbox) private readonly outbox: EventOutbox,
  ) {}

  async raise(alert: BankAlert): Promise<boolean> {
    // Looked up by id only: the alert comes from a bank operation, which carries no tenant context of its own.
    const payment = (await this.db('payments').select('merchant_id', 'livemode').where({ id: alert.paymentId }).first()) as
      { merchant_id: string; livemode: unknown } | undefined;
    if (payment === undefined) return false;
    const merchantId = String(payment.merchant_id);
    const livemode = Boolean(payment.livemode);
    const now = this.clock.now();
    const summary = alert.summary.slice(0, 500);
    try {
      return await inTransaction(this.db, async (trx) => {
        await trx('bank_operator_alerts').insert({
          id: newId('bal'),
          kind: alert.kind,
          reference: alert.reference,
          merchant_id: merchantId,
          livemode,
          payment_id: alert.paymentId,
          summary,
          created_at: now,
        });
        const data = { kind: alert.kind, reference: alert.reference, payment: alert.paymentId, summary };
        await this.outbox.record(trx, { merchantId, livemode, type: BANK_ALERT_EVENTS[alert.kind], objectType: 'payment', objectId: alert.paymentId, data });
        const to = this.config.operatorAlertEmail;
        if (to !== undefined) {
          await this.emails.enqueueRendered(trx, {
            merchantId,
            livemode,
            recipient: to,
            subject: `Tender bank alert: ${alert.kind.replaceAll('_', ' ')} (payment ${alert.paymentId})`,
            text: `${summary}\n\nPayment: ${alert.paymentId} (merchant ${merchantId}, ${livemode ? 'live' : 'test'} mode)\nBank operation: ${alert.reference}\n\nSee docs/iso8583.md ("Refused reversals"), docs/api.md ("When the bank does not answer") and docs/bank-adapters.md ("Payments the buyer completes elsewhere").\n`,
          });
        }
        return true;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
