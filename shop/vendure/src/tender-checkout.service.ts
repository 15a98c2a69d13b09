import { Injectable } from '@nestjs/common';
import {
  ActiveOrderService,
  ConfigService,
  isGraphQlErrorResult,
  Logger,
  Order,
  OrderService,
  PaymentMethod,
  PaymentMethodService,
  RequestContext,
  RequestContextService,
  TransactionalConnection,
  UserInputError,
} from '@vendure/core';
import { Payment, verifyWebhookSignature } from '@tender/client';
import { TENDER_HANDLER_CODE } from './tender-payment.handler';
import { settingsFromConfigArgs, tenderClientFor } from './tender-method-args';
import { toTenderAmount } from './tender-amount';

const LOG_CONTEXT = 'TenderPlugin';
/** Tender statuses in which the buyer can still pay: such a payment is reused, not duplicated. */
const PAYABLE = new Set<Payment['status']>(['pending', 'requires_action']);

/** What `createTenderPaymentIntent` answers: where to send the buyer. */
export interface TenderPaymentIntent {
  paymentUrl: string;
  tenderPaymentId: string;
}

/** The webhook's answer to Tender (non-2xx makes Tender retry, and shows in its delivery log). */
export interface WebhookOutcome {
  status: 200 | 400 | 422;
  message: string;
}

/**
 * Starts Tender payments for Vendure orders and turns Tender's signed events into
 * Vendure payments. Tender's payment carries the order code as `order_id` and the
 * channel token in its metadata, which is how an event finds its order.
 */
@Injectable()
export class TenderCheckoutService {
  constructor(
    private readonly activeOrderService: ActiveOrderService,
    private readonly orderService: OrderService,
    private readonly paymentMethodService: PaymentMethodService,
    private readonly requestContextService: RequestContextService,
    private readonly connection: TransactionalConnection,
    private readonly configService: ConfigService,
  ) {}

  /**
   * Moves the active order to ArrangingPayment and returns a Tender payment for its
   * total: an unpaid one for the same amount is reused, so asking twice (a reload,
   * a double click) never makes two payments the buyer could both pay.
   */
  async createIntent(ctx: RequestContext): Promise<TenderPaymentIntent> {
    const active = await this.activeOrderService.getActiveOrder(ctx, undefined);
    if (active === undefined) throw new UserInputError('No active order to pay');
    if (active.state !== 'ArrangingPayment') {
      const moved = await this.orderService.transitionToState(ctx, active.id, 'ArrangingPayment');
      if (isGraphQlErrorResult(moved)) throw new UserInputError(moved.transitionError);
    }
    const order = await this.orderService.findOne(ctx, active.id);
    if (order === undefined) throw new UserInputError('No active order to pay');
    const method = await this.eligibleTenderMethod(ctx, order);
    const settings = settingsFromConfigArgs(method.handler.args);
    const client = tenderClientFor(settings);
    const amount = toTenderAmount(order.totalWithTax, order.currencyCode, this.configService.entityOptions.moneyStrategy.precision ?? 2);
    const earlier = (await client.payments.list({ order_id: order.code, limit: 100 })).data.filter((p) => p.metadata.vendure_channel_token === ctx.channel.token);
    const reusable = earlier.find((p) => PAYABLE.has(p.status) && p.amount === amount && p.currency === order.currencyCode);
    if (reusable !== undefined) return { paymentUrl: reusable.payment_url, tenderPaymentId: reusable.id };
    const payment = await client.payments.create(
      {
        amount,
        currency: order.currencyCode,
        order_id: order.code,
        description: `Order ${order.code}`,
        capture_method: settings.autoCapture ? 'automatic' : 'manual',
        metadata: { vendure_order_code: order.code, vendure_channel_token: ctx.channel.token },
        ...(settings.returnUrl === undefined ? {} : { return_url: settings.returnUrl.replace('{orderCode}', encodeURIComponent(order.code)) }),
      },
      // Concurrent calls that saw the same earlier payments send the same key: one payment.
      { idempotencyKey: `vendure-${ctx.channel.token}-${order.code}-${amount}-${order.currencyCode}-${earlier.length}`.slice(-255) },
    );
    return { paymentUrl: payment.payment_url, tenderPaymentId: payment.id };
  }

  /**
   * Handles one Tender event delivered to /payments/tender. The signature is checked
   * over the raw body with the webhook secret of the channel's Tender payment method
   * before anything is read from the event beyond where it belongs; `payment.authorized`
   * and `payment.captured` add the payment to the order (once: Tender redelivers, and
   * the storefront may have added it already), a capture made in Tender's dashboard
   * settles an authorized Vendure payment.
   */
  async handleWebhook(rawBody: Buffer, signature: string | undefined): Promise<WebhookOutcome> {
    if (signature === undefined || signature === '') return { status: 400, message: 'missing Tender-Signature' };
    const event = parseEvent(rawBody);
    if (event === undefined) return { status: 400, message: 'not a Tender event' };
    const payment = event.data.object;
    const channelToken = payment.metadata?.vendure_channel_token;
    const orderCode = payment.metadata?.vendure_order_code;
    // Events for payments this plugin did not start (other shops on the same Tender account) are not ours to judge.
    if (payment.object !== 'payment' || typeof channelToken !== 'string' || typeof orderCode !== 'string') return { status: 200, message: 'ignored: not a Vendure payment' };
    let ctx: RequestContext;
    try {
      ctx = await this.requestContextService.create({ apiType: 'admin', channelOrToken: channelToken });
    } catch {
      return { status: 400, message: 'unknown channel' };
    }
    const methods = (await this.paymentMethodService.getActivePaymentMethods(ctx)).filter((m) => m.handler.code === TENDER_HANDLER_CODE);
    const method = methods.find((m) => verifyWebhookSignature(rawBody, signature, settingsFromConfigArgs(m.handler.args).webhookSecret));
    if (method === undefined) {
      Logger.warn(`Refused a Tender event for order ${orderCode}: the signature does not verify with any Tender payment method's webhook secret`, LOG_CONTEXT);
      return { status: 400, message: 'bad signature' };
    }
    if (event.type !== 'payment.authorized' && event.type !== 'payment.captured') return { status: 200, message: `ignored: ${event.type}` };
    return this.connection.withTransaction(ctx, (tx) => this.addConfirmedPayment(tx, method, orderCode, payment.id, event.type));
  }

  private async addConfirmedPayment(ctx: RequestContext, method: PaymentMethod, orderCode: string, tenderPaymentId: string, type: string): Promise<WebhookOutcome> {
    const order = await this.orderService.findOneByCode(ctx, orderCode, ['payments']);
    if (order === undefined) return { status: 422, message: `no order ${orderCode} in this channel` };
    const existing = order.payments.find((p) => p.transactionId === tenderPaymentId && (p.state === 'Authorized' || p.state === 'Settled'));
    if (existing !== undefined) {
      if (type === 'payment.captured' && existing.state === 'Authorized') {
        const settled = await this.orderService.settlePayment(ctx, existing.id);
        if (isGraphQlErrorResult(settled)) return { status: 422, message: settled.message };
        return { status: 200, message: 'payment settled' };
      }
      return { status: 200, message: 'payment already on the order' };
    }
    if (order.state === 'AddingItems') {
      const moved = await this.orderService.transitionToState(ctx, order.id, 'ArrangingPayment');
      if (isGraphQlErrorResult(moved)) return { status: 422, message: moved.transitionError };
    }
    const result = await this.orderService.addPaymentToOrder(ctx, order.id, { method: method.code, metadata: { tenderPaymentId } });
    if (isGraphQlErrorResult(result)) {
      Logger.error(`Could not add Tender payment ${tenderPaymentId} to order ${orderCode}: ${result.message}`, LOG_CONTEXT);
      return { status: 422, message: result.message };
    }
    return { status: 200, message: 'payment added' };
  }

  private async eligibleTenderMethod(ctx: RequestContext, order: Order): Promise<PaymentMethod> {
    const active = (await this.paymentMethodService.getActivePaymentMethods(ctx)).filter((m) => m.handler.code === TENDER_HANDLER_CODE);
    const eligible = new Set((await this.paymentMethodService.getEligiblePaymentMethods(ctx, order)).filter((q) => q.isEligible).map((q) => q.code));
    const method = active.find((m) => eligible.has(m.code));
    if (method === undefined) throw new UserInputError('No Tender payment method is enabled for this order');
    return method;
  }
}

interface TenderPaymentEvent {
  type: string;
  data: { object: Partial<Payment> & { id: string; object: string } };
}

function parseEvent(rawBody: Buffer): TenderPaymentEvent | undefined {
  try {
    const event = JSON.parse(rawBody.toString('utf8')) as Partial<TenderPaymentEvent>;
    if (typeof event.type !== 'string' || typeof event.data?.object?.id !== 'string' || typeof event.data.object.object !== 'string') return undefined;
    return event as TenderPaymentEvent;
  } catch {
    return undefined;
  }
}
