import { MerchantContext, Payment, PaymentService, TenderError } from '@tender/core';
import { Schedule, ScheduleCharge } from './schedule';

type CreateInput = Parameters<PaymentService['create']>[1];

/** What one attempt came to, as far as the charger can tell now. */
export type AttemptResult =
  | { readonly kind: 'succeeded'; readonly payment: Payment }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string | null; readonly payment: Payment | null }
  /** The payment is still at the bank, waits for the buyer (3-D Secure) or for a risk review: look again later. */
  | { readonly kind: 'waiting'; readonly payment: Payment }
  /** Refused for a reason that passes (the merchant may not take payments now, no bank): nothing was made; try later, no attempt spent. */
  | { readonly kind: 'deferred'; readonly code: string };

/** Gateway refusals that say "not now" rather than "not this card". */
const DEFERRING_REFUSALS: ReadonlySet<string> = new Set([
  'merchant_suspended',
  'merchant_not_live',
  'test_mode_expired',
  'no_bank_connection',
  'bank_unavailable',
  'rate_limited',
  'payment_operation_in_progress',
  'internal_error',
]);

const PAID = new Set(['captured', 'partially_refunded', 'refunded']);
/** Not settled yet: at the bank, waiting for the buyer's 3-D Secure, or authorized and held for risk review (captured when approved). */
const OPEN = new Set(['pending', 'processing', 'requires_action', 'authorized']);

/** The payment's order id: the schedule and the period (from 1); every attempt of a period shares it. */
export function chargeOrderId(scheduleId: string, periodIndex: number): string {
  return `${scheduleId}-${periodIndex + 1}`;
}

/** The payment's create idempotency key: one payment per schedule, period and attempt, whoever makes it and however often. */
export function chargeIdempotencyKey(scheduleId: string, periodIndex: number, attempt: number): string {
  return `schedule:${scheduleId}:${periodIndex}:${attempt}`;
}

/**
 * One attempt to charge one period, made through the same path as
 * `POST /v1/payments` with `customer`, `payment_method`, `off_session` and `confirm`:
 * a merchant-initiated payment on the saved card, marked to the bank as recurring.
 *
 * Safe to run again for the same attempt (after a crash, or by a process that took
 * over an abandoned claim): the payment is looked up by its order id and attempt
 * first, and created with an idempotency key made of schedule, period and attempt,
 * so it exists at most once; one left pending is confirmed, one already settled is
 * only read.
 *
 * @example
 * ```ts
 * const result = await new ChargeAttempt(payments).run(schedule, charge, customerEmail);
 * ```
 */
export class ChargeAttempt {
  constructor(private readonly payments: PaymentService) {}

  async run(schedule: Schedule, charge: ScheduleCharge, customerEmail: string | null): Promise<AttemptResult> {
    const ctx: MerchantContext = { merchantId: schedule.merchantId, livemode: schedule.livemode };
    let payment = charge.paymentId === null ? await this.madeBefore(ctx, schedule, charge) : await this.payments.retrieve(ctx, charge.paymentId);
    if (payment === undefined) {
      try {
        payment = await this.payments.create(
          ctx,
          {
            amount: schedule.amount,
            currency: schedule.currency,
            order_id: chargeOrderId(schedule.id, charge.periodIndex),
            ...(schedule.description === null ? {} : { description: schedule.description }),
            capture_method: 'automatic',
            metadata: { schedule: schedule.id, schedule_period: String(charge.periodIndex + 1), schedule_attempt: String(charge.attempt) },
            ...(customerEmail === null ? {} : { customer_email: customerEmail }),
            ...(schedule.locale === null ? {} : { locale: schedule.locale as 'ru' | 'en' | 'ar' }),
            customer: schedule.customerId,
            off_session: true,
            confirm: true,
            // zod types the method object as `{ type } & { [key]: object }`, which no literal fits; this is the value POST /v1/payments parses to.
            payment_method: this.method(schedule) as unknown as CreateInput['payment_method'],
          },
          chargeIdempotencyKey(schedule.id, charge.periodIndex, charge.attempt),
        );
      } catch (error) {
        if (!(error instanceof TenderError)) throw error;
        // Refused for its input, nothing is written; refused later (the bank), the payment may exist.
        const left = await this.madeBefore(ctx, schedule, charge);
        if (left === undefined) return refusal(error);
        payment = left;
      }
    }
    if (payment.status === 'pending') payment = await this.confirmLeftPending(ctx, schedule, payment);
    return resultOf(payment);
  }

  /**
   * What an attempt of a schedule that stopped meanwhile came to, without making
   * anything: its payment's state, or, when it made none, a failure `schedule_canceled`.
   */
  async look(schedule: Schedule, charge: ScheduleCharge): Promise<AttemptResult> {
    const ctx: MerchantContext = { merchantId: schedule.merchantId, livemode: schedule.livemode };
    const payment = charge.paymentId === null ? await this.madeBefore(ctx, schedule, charge) : await this.payments.retrieve(ctx, charge.paymentId);
    return payment === undefined ? { kind: 'failed', code: 'schedule_canceled', message: null, payment: null } : resultOf(payment);
  }

  /** The saved card, told that this is a recurring merchant-initiated payment (`{ type, saved_card }`, as in POST /v1/payments). */
  private method(schedule: Schedule): { type: string } & { saved_card: { id: string; reason: 'recurring' } } {
    return Object.assign({ type: 'saved_card' }, { saved_card: { id: schedule.paymentMethodId, reason: 'recurring' as const } });
  }

  /** A payment created but never confirmed (the process stopped between the two): confirmed now. */
  private async confirmLeftPending(ctx: MerchantContext, schedule: Schedule, payment: Payment): Promise<Payment> {
    try {
      return await this.payments.confirm(ctx, payment.id, this.method(schedule));
    } catch (error) {
      if (!(error instanceof TenderError)) throw error;
      const now = await this.payments.retrieve(ctx, payment.id);
      // Another process confirmed it meanwhile: its outcome is the attempt's.
      if (now.status !== 'pending') return now;
      if (DEFERRING_REFUSALS.has(error.code)) return now;
      // Refused for good (the card was deleted meanwhile): the payment is closed, the attempt failed.
      return this.payments.cancel(ctx, payment.id).catch(() => now);
    }
  }

  /** The payment this attempt made earlier, if any (by order id and the attempt noted in its metadata). */
  private async madeBefore(ctx: MerchantContext, schedule: Schedule, charge: ScheduleCharge): Promise<Payment | undefined> {
    const { payments } = await this.payments.list(ctx, { orderId: chargeOrderId(schedule.id, charge.periodIndex), limit: 100 });
    return payments.find((p) => p.metadata.schedule === schedule.id && p.metadata.schedule_attempt === String(charge.attempt));
  }
}

function refusal(error: TenderError): AttemptResult {
  if (DEFERRING_REFUSALS.has(error.code)) return { kind: 'deferred', code: error.code };
  return { kind: 'failed', code: error.code, message: error.message, payment: null };
}

function resultOf(payment: Payment): AttemptResult {
  if (PAID.has(payment.status)) return { kind: 'succeeded', payment };
  if (OPEN.has(payment.status)) return { kind: 'waiting', payment };
  if (payment.status === 'canceled') return { kind: 'failed', code: payment.failureCode ?? 'payment_canceled', message: payment.failureMessage, payment };
  return { kind: 'failed', code: payment.failureCode ?? 'processing_error', message: payment.failureMessage, payment };
}
