import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { Queryable } from '../db/database';
import { EventOutbox } from '../notifications/event-outbox';
import { Payment, PaymentPatch, riskFromRow } from './payment';
import { PaymentRepository } from './payment.repository';
import { assertTransition, eventTypeFor } from './payment-state-machine';
import { paymentView } from './payment-view';
import { NextAction } from '../banks/bank-adapter';
import type { JoinedWrite } from './settling-update';

/**
 * The one place a payment row changes. A status change is checked against the
 * state machine and written together with its `payment.<status>` event in the
 * caller's transaction.
 */
@injectable()
export class PaymentStateWriter {
  constructor(
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(EventOutbox) private readonly outbox: EventOutbox,
    @inject(CONFIG) private readonly config: TenderConfig,
  ) {}

  /** `joined`: other rows the same UPDATE changes (MySQL/MariaDB; see settling-update.ts). */
  async change(trx: Queryable, payment: Payment, patch: PaymentPatch, now: number, operation?: string, joined?: JoinedWrite): Promise<Payment> {
    const statusChanges = patch.status !== undefined && (patch.status !== payment.status || patch.status === 'partially_refunded');
    if (patch.status !== undefined && statusChanges) assertTransition(payment.status, patch.status, operation);
    await this.payments.update(trx, payment, patch, now, joined);
    const updated = merge(payment, patch, now);
    if (statusChanges && patch.status !== undefined) {
      await this.outbox.record(trx, {
        merchantId: payment.merchantId,
        livemode: payment.livemode,
        type: eventTypeFor(patch.status),
        objectType: 'payment',
        objectId: payment.id,
        data: paymentView(updated, this.config.publicUrl),
      });
    }
    return updated;
  }
}

/** The payment as it is after `patch`, without reading it back. */
function merge(p: Payment, patch: PaymentPatch, now: number): Payment {
  const cardChanged = patch.card_brand !== undefined;
  // Every PaymentPatch column has its field here (the request path trusts this object).
  return {
    ...p,
    status: patch.status ?? p.status,
    amount: patch.amount ?? p.amount,
    amountGross: patch.amount_gross ?? p.amountGross,
    amountDiscount: patch.amount_discount ?? p.amountDiscount,
    amountCaptured: patch.amount_captured ?? p.amountCaptured,
    amountRefunded: patch.amount_refunded ?? p.amountRefunded,
    amountRefundPending: patch.amount_refund_pending ?? p.amountRefundPending,
    failureCode: patch.failure_code !== undefined ? patch.failure_code : p.failureCode,
    failureMessage: patch.failure_message !== undefined ? patch.failure_message : p.failureMessage,
    methodType: patch.method_type ?? p.methodType,
    cardToken: patch.card_token !== undefined ? patch.card_token : p.cardToken,
    cardFingerprint: patch.card_fingerprint !== undefined ? patch.card_fingerprint : p.cardFingerprint,
    card: !cardChanged
      ? p.card
      : patch.card_brand === null || patch.card_brand === undefined
        ? null
        : {
            brand: patch.card_brand,
            bin: patch.card_bin ?? '',
            last4: patch.card_last4 ?? '',
            expMonth: patch.card_exp_month ?? 0,
            expYear: patch.card_exp_year ?? 0,
          },
    operationInProgress: patch.operation_in_progress !== undefined ? patch.operation_in_progress : p.operationInProgress,
    risk: patch.risk_decision !== undefined ? riskFromRow(patch) : p.risk,
    threeDSecure:
      patch.three_ds_status === undefined
        ? p.threeDSecure
        : patch.three_ds_status === null
          ? null
          : { status: patch.three_ds_status, eci: patch.three_ds_eci ?? null },
    threeDSecureChallenge: patch.three_ds_challenge !== undefined ? patch.three_ds_challenge : p.threeDSecureChallenge,
    nextAction: patch.next_action === undefined ? p.nextAction : patch.next_action === null ? null : (JSON.parse(patch.next_action) as NextAction),
    nextActionExpiresAt: patch.next_action_expires_at !== undefined ? patch.next_action_expires_at : p.nextActionExpiresAt,
    // Complete: the request path applies the bank's answer to this object without reading the row again.
    setupFutureUsage: patch.setup_future_usage !== undefined ? patch.setup_future_usage : p.setupFutureUsage,
    paymentMethodId: patch.payment_method_id !== undefined ? patch.payment_method_id : p.paymentMethodId,
    networkReference: patch.network_reference !== undefined ? patch.network_reference : p.networkReference,
    version: p.version + 1,
    updatedAt: now,
  };
}
