import { inject, injectable } from 'tsyringe';
import { IdempotencyService, MerchantContext, PaymentService, Refund, RefundService, TenderError, WebRole } from '@tender/core';
import { SupportRefundLimits } from './support-refund-limits';

/** Who acts on a payment from the dashboard: the principal's merchant, mode and role. */
export interface DashboardActor {
  readonly ctx: MerchantContext;
  readonly role: WebRole;
}

/**
 * Capture, cancel and refund from the dashboard, through the same services as the
 * API (state machine, events, bank calls, reconciliation). Each confirmation form
 * carries a one-off key, used as the Idempotency-Key: a form sent twice (a double
 * click, a reload after a timeout) acts once. Keys are prefixed so they can never
 * meet a key the shop sends to the API.
 *
 * @example
 * ```ts
 * await actions.refund({ ctx, role: 'support' }, 'pay_...', 5000, 'damaged', formKey); // refund_limit_exceeded above the limit
 * ```
 */
@injectable()
export class DashboardPaymentActions {
  constructor(
    @inject(PaymentService) private readonly payments: PaymentService,
    @inject(RefundService) private readonly refunds: RefundService,
    @inject(IdempotencyService) private readonly idempotency: IdempotencyService,
    @inject(SupportRefundLimits) private readonly limits: SupportRefundLimits,
  ) {}

  async capture(actor: DashboardActor, paymentId: string, amount: number | undefined, formKey: string): Promise<void> {
    await this.idempotently(actor, formKey, ['dashboard.capture', paymentId, String(amount ?? '')], async () => {
      await this.payments.capture(actor.ctx, paymentId, amount);
    });
  }

  async cancel(actor: DashboardActor, paymentId: string, formKey: string): Promise<void> {
    await this.idempotently(actor, formKey, ['dashboard.cancel', paymentId], async () => {
      await this.payments.cancel(actor.ctx, paymentId);
    });
  }

  /** The amount is always explicit here: the support limit is checked against what will actually be refunded. */
  async refund(actor: DashboardActor, paymentId: string, amount: number, reason: string | undefined, formKey: string): Promise<Refund> {
    if (actor.role === 'support') {
      const payment = await this.payments.retrieve(actor.ctx, paymentId);
      if (!(await this.limits.allows(actor.ctx, payment.currency, amount))) throw new TenderError('refund_limit_exceeded', { param: 'amount' });
    } else if (actor.role !== 'owner' && actor.role !== 'developer') {
      throw new TenderError('refund_limit_exceeded', { param: 'amount' });
    }
    return this.refunds.create(actor.ctx, { payment_id: paymentId, amount, ...(reason === undefined ? {} : { reason }) }, dashboardKey(formKey));
  }

  private async idempotently(actor: DashboardActor, formKey: string, request: readonly string[], work: () => Promise<void>): Promise<void> {
    await this.idempotency.run(actor.ctx, dashboardKey(formKey), request, async () => {
      await work();
      return { status: 200, body: '{}' };
    });
  }
}

function dashboardKey(formKey: string): string {
  return `dashboard:${formKey}`;
}
