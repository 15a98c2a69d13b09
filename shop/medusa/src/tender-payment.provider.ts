import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  PaymentProviderInput,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from '@medusajs/types';
import { AbstractPaymentProvider, PaymentActions, PaymentSessionStatus } from '@medusajs/utils';
import { Payment, TenderApiError, TenderClient, verifyWebhookSignature } from '@tender/client';
import { fromMinorUnits, toMinorUnits } from './medusa-amount';

type PaymentData = Record<string, unknown>;

/** The provider's options in medusa-config (`options` of the provider entry). */
export interface TenderProviderOptions {
  /** The merchant's secret key, sk_test_... or sk_live_... */
  apiKey: string;
  /** The gateway's base URL, e.g. https://pay.example.com */
  baseUrl: string;
  /** The secret of the Tender webhook endpoint pointing at Medusa's /hooks/payment/tender_tender. */
  webhookSecret: string;
  /** Where the payment page sends the buyer back (the storefront's checkout step). */
  returnUrl?: string;
  /** Replay window for webhook signatures in seconds (default 300). */
  webhookToleranceSeconds?: number;
  /** For tests and custom transports. */
  fetch?: typeof fetch;
}

/**
 * Tender as a Medusa v2 payment provider. A payment session is a Tender payment with
 * manual capture: initiatePayment creates it (the buyer pays at `data.payment_url`),
 * Medusa authorizes once Tender says the bank approved, and captures when the order is
 * fulfilled (or at once, with Medusa's automatic capture).
 *
 * @example
 * ```ts
 * const provider = new TenderPaymentProvider({}, { apiKey: 'sk_test_...', baseUrl: 'https://pay.example.com', webhookSecret: 'whsec_...' });
 * const session = await provider.initiatePayment({ amount: 25.5, currency_code: 'rub', data: { session_id: 'payses_1' } });
 * session.data?.payment_url; // send the buyer here
 * ```
 */
export class TenderPaymentProvider extends AbstractPaymentProvider<TenderProviderOptions> {
  static identifier = 'tender';

  private readonly client: TenderClient;
  private readonly options: TenderProviderOptions;

  static override validateOptions(options: Record<string, unknown>): void {
    if (typeof options.apiKey !== 'string' || !/^sk_(test|live)_/.test(options.apiKey)) throw new Error('Tender: options.apiKey must be a secret key (sk_test_... or sk_live_...)');
    if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) throw new Error('Tender: options.baseUrl must be the gateway URL (https://...)');
    if (typeof options.webhookSecret !== 'string' || !options.webhookSecret.startsWith('whsec_')) throw new Error('Tender: options.webhookSecret must be the webhook endpoint secret (whsec_...)');
  }

  constructor(cradle: Record<string, unknown>, options: TenderProviderOptions) {
    super(cradle, options);
    TenderPaymentProvider.validateOptions(options as unknown as Record<string, unknown>);
    this.options = options;
    this.client = new TenderClient({ secretKey: options.apiKey, baseUrl: options.baseUrl, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) });
  }

  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const currency = input.currency_code.toUpperCase();
    const sessionId = typeof input.data?.session_id === 'string' ? input.data.session_id : undefined;
    const payment = await this.client.payments.create(
      {
        amount: toMinorUnits(input.amount, currency),
        currency,
        order_id: sessionId ?? `medusa-${Date.now()}`,
        capture_method: 'manual',
        metadata: sessionId === undefined ? {} : { medusa_session_id: sessionId },
        ...(this.options.returnUrl === undefined ? {} : { return_url: this.options.returnUrl }),
      },
      input.context?.idempotency_key === undefined ? {} : { idempotencyKey: input.context.idempotency_key },
    );
    return { id: payment.id, data: snapshot(payment), status: sessionStatus(payment) };
  }

  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    return this.getPaymentStatus(input);
  }

  async getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    const payment = await this.client.payments.retrieve(paymentIdOf(input.data));
    return { data: snapshot(payment), status: sessionStatus(payment) };
  }

  async retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    return { data: snapshot(await this.client.payments.retrieve(paymentIdOf(input.data))) };
  }

  async capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const current = await this.client.payments.retrieve(paymentIdOf(input.data));
    if (current.status !== 'authorized') return { data: snapshot(current) };
    return { data: snapshot(await this.client.payments.capture(current.id, {}, idempotency(input))) };
  }

  async cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    const current = await this.client.payments.retrieve(paymentIdOf(input.data));
    if (current.status === 'canceled') return { data: snapshot(current) };
    return { data: snapshot(await this.client.payments.cancel(current.id, idempotency(input))) };
  }

  async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const current = await this.client.payments.retrieve(paymentIdOf(input.data));
    await this.client.refunds.create({ payment_id: current.id, amount: toMinorUnits(input.amount, current.currency) }, idempotency(input));
    return { data: snapshot(await this.client.payments.retrieve(current.id)) };
  }

  /** A deleted session's payment is closed if the buyer has not paid it. */
  async deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    const current = await this.client.payments.retrieve(paymentIdOf(input.data));
    if (current.status !== 'pending') return { data: snapshot(current) };
    try {
      return { data: snapshot(await this.client.payments.cancel(current.id)) };
    } catch (error) {
      if (error instanceof TenderApiError && error.code === 'payment_invalid_state') return { data: snapshot(await this.client.payments.retrieve(current.id)) };
      throw error;
    }
  }

  /** Tender payments have a fixed amount: a changed cart gets a new payment (the old unpaid one is closed). */
  async updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const current = await this.client.payments.retrieve(paymentIdOf(input.data));
    const amount = toMinorUnits(input.amount, input.currency_code);
    if (current.amount === amount && current.currency === input.currency_code.toUpperCase()) return { data: snapshot(current), status: sessionStatus(current) };
    await this.deletePayment(input);
    const sessionId = typeof current.metadata.medusa_session_id === 'string' ? current.metadata.medusa_session_id : undefined;
    const next = await this.initiatePayment({ amount: input.amount, currency_code: input.currency_code, data: sessionId === undefined ? {} : { session_id: sessionId } });
    return { data: next.data ?? {}, status: next.status ?? PaymentSessionStatus.PENDING };
  }

  /**
   * Tender's signed event to Medusa's payment action. The signature is checked over the
   * raw body; a forged, altered or stale event is NOT_SUPPORTED (Medusa changes
   * nothing), never FAILED, so a forger cannot fail a buyer's payment either.
   */
  async getWebhookActionAndData(payload: ProviderWebhookPayload['payload']): Promise<WebhookActionResult> {
    const header = payload.headers['tender-signature'];
    if (typeof header !== 'string' || !verifyWebhookSignature(payload.rawData, header, this.options.webhookSecret, this.options.webhookToleranceSeconds ?? 300)) {
      return { action: PaymentActions.NOT_SUPPORTED };
    }
    const event = JSON.parse(Buffer.isBuffer(payload.rawData) ? payload.rawData.toString('utf8') : payload.rawData) as { type?: string; data?: { object?: Partial<Payment> } };
    const payment = event.data?.object;
    const sessionId = payment?.metadata?.medusa_session_id;
    if (payment?.object !== 'payment' || typeof sessionId !== 'string' || payment.amount === undefined || payment.currency === undefined) return { action: PaymentActions.NOT_SUPPORTED };
    const data = { session_id: sessionId, amount: fromMinorUnits(payment.amount, payment.currency) };
    switch (event.type) {
      case 'payment.authorized':
        return { action: PaymentActions.AUTHORIZED, data };
      case 'payment.captured':
        return { action: PaymentActions.SUCCESSFUL, data };
      case 'payment.declined':
      case 'payment.failed':
        return { action: PaymentActions.FAILED, data };
      case 'payment.canceled':
        return { action: PaymentActions.CANCELED, data };
      case 'payment.requires_action':
        return { action: PaymentActions.REQUIRES_MORE, data };
      default:
        return { action: PaymentActions.NOT_SUPPORTED };
    }
  }
}

function paymentIdOf(data: PaymentData | undefined): string {
  const id = data?.id;
  if (typeof id !== 'string' || !id.startsWith('pay_')) throw new Error('Tender: the payment session has no Tender payment id (data.id)');
  return id;
}

function idempotency(input: PaymentProviderInput): { idempotencyKey?: string } {
  return input.context?.idempotency_key === undefined ? {} : { idempotencyKey: input.context.idempotency_key };
}

/** What Medusa keeps in the session's `data`: enough to find the payment and show it. */
function snapshot(p: Payment): PaymentData {
  return { id: p.id, status: p.status, amount: p.amount, currency: p.currency, amount_captured: p.amount_captured, amount_refunded: p.amount_refunded, payment_url: p.payment_url };
}

function sessionStatus(p: Payment): PaymentSessionStatus {
  switch (p.status) {
    case 'authorized':
      return PaymentSessionStatus.AUTHORIZED;
    case 'captured':
    case 'partially_refunded':
    case 'refunded':
      return PaymentSessionStatus.CAPTURED;
    case 'requires_action':
      return PaymentSessionStatus.REQUIRES_MORE;
    case 'declined':
    case 'failed':
      return PaymentSessionStatus.ERROR;
    case 'canceled':
      return PaymentSessionStatus.CANCELED;
    default:
      return PaymentSessionStatus.PENDING;
  }
}
