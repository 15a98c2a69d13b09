import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  CreateAccountHolderInput,
  CreateAccountHolderOutput,
  DeleteAccountHolderInput,
  DeleteAccountHolderOutput,
  DeletePaymentMethodInput,
  DeletePaymentMethodOutput,
  ListPaymentMethodsInput,
  ListPaymentMethodsOutput,
  RetrieveAccountHolderInput,
  RetrieveAccountHolderOutput,
  SavePaymentMethodInput,
  SavePaymentMethodOutput,
  UpdateAccountHolderInput,
  UpdateAccountHolderOutput,
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
import { customerParamsOf, requireTenderCustomer, savedCardData, savedCardFieldsOf, tenderCustomerOf } from './medusa-saved-cards';

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
  /** The currency (ISO 4217) of the small verification a saved card's check makes, when Medusa's data names none (savePaymentMethod). */
  setupCurrency?: string;
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
    // A signed-in customer's account holder makes the payment theirs (one-click on the payment page, saving the card).
    const customer = tenderCustomerOf(input.context);
    const saved = savedCardFieldsOf(input.data);
    if (customer === undefined && (saved.setup_future_usage !== undefined || saved.payment_method !== undefined)) throw new Error('Tender: saving or paying with a saved card needs the customer\'s account holder');
    const payment = await this.client.payments.create(
      {
        amount: toMinorUnits(input.amount, currency),
        currency,
        order_id: sessionId ?? `medusa-${Date.now()}`,
        capture_method: 'manual',
        metadata: sessionId === undefined ? {} : { medusa_session_id: sessionId },
        ...(this.options.returnUrl === undefined ? {} : { return_url: this.options.returnUrl }),
        ...(customer === undefined ? {} : { customer }),
        ...(saved.setup_future_usage === undefined ? {} : { setup_future_usage: saved.setup_future_usage }),
        // A saved card is charged in the same request (confirm), marked merchant-initiated when the buyer is absent.
        ...(saved.payment_method === undefined ? {} : { payment_method: saved.payment_method, confirm: true, off_session: saved.off_session ?? false }),
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
    // The new payment is the same buyer's: the account holder (one-click, saving) and the wish to save the card carry over.
    const data = { ...(sessionId === undefined ? {} : { session_id: sessionId }), ...(current.setup_future_usage === null ? {} : { setup_future_usage: current.setup_future_usage }) };
    const next = await this.initiatePayment({ amount: input.amount, currency_code: input.currency_code, data, ...(input.context === undefined ? {} : { context: input.context }) });
    return { data: next.data ?? {}, status: next.status ?? PaymentSessionStatus.PENDING };
  }

  /** A Medusa customer's account holder: a Tender customer (cus_...), named by Medusa's customer id in its metadata. */
  async createAccountHolder(input: CreateAccountHolderInput): Promise<CreateAccountHolderOutput> {
    const existing = tenderCustomerOf(input.context);
    if (existing !== undefined) return { id: existing, data: { ...(await this.client.customers.retrieve(existing)) } };
    const customer = await this.client.customers.create(customerParamsOf(input.context.customer), idempotency(input));
    return { id: customer.id, data: { ...customer } };
  }

  async retrieveAccountHolder(input: RetrieveAccountHolderInput): Promise<RetrieveAccountHolderOutput> {
    const customer = await this.client.customers.retrieve(input.id);
    return { id: customer.id, data: { ...customer } };
  }

  /** Medusa's customer changed: the Tender customer's e-mail, name and phone follow. */
  async updateAccountHolder(input: UpdateAccountHolderInput): Promise<UpdateAccountHolderOutput> {
    const id = requireTenderCustomer(input.context);
    if (input.context.customer === undefined) return { data: input.context.account_holder.data };
    return { data: { ...(await this.client.customers.update(id, customerParamsOf(input.context.customer), idempotency(input))) } };
  }

  /**
   * The account holder is deleted with Medusa's customer: Tender erases the customer
   * (every saved card's number deleted from the vault, schedules canceled). An
   * account holder Tender no longer knows is already gone.
   */
  async deleteAccountHolder(input: DeleteAccountHolderInput): Promise<DeleteAccountHolderOutput> {
    const data = input.context.account_holder.data;
    const id = typeof data?.id === 'string' ? data.id : input.context.account_holder.external_id;
    if (typeof id !== 'string' || !id.startsWith('cus_')) return {};
    try {
      await this.client.customers.delete(id);
    } catch (error) {
      if (!(error instanceof TenderApiError && error.code === 'resource_not_found')) throw error;
    }
    return {};
  }

  /** The account holder's saved cards (brand, last 4, expiry). */
  async listPaymentMethods(input: ListPaymentMethodsInput): Promise<ListPaymentMethodsOutput> {
    const cards = await this.client.customers.paymentMethods(requireTenderCustomer(input.context));
    return cards.data.map((pm) => ({ id: pm.id, data: savedCardData(pm) }));
  }

  /**
   * Saving a card without a purchase: a Tender setup attempt for the account holder
   * (the card checked with the bank, nothing charged). Its `data` carries the hosted
   * setup page (`setup_url`) to send the buyer to; the saved card then appears in
   * listPaymentMethods. `data.usage` ('off_session' by default) says whether the shop
   * may charge the card without the buyer; `data.currency_code` (else the
   * `setupCurrency` option) is the verification's currency (voided at once).
   */
  async savePaymentMethod(input: SavePaymentMethodInput): Promise<SavePaymentMethodOutput> {
    const customer = requireTenderCustomer(input.context);
    const usage = input.data?.usage === 'on_session' ? 'on_session' : 'off_session';
    const currency = typeof input.data?.currency_code === 'string' ? input.data.currency_code.toUpperCase() : this.options.setupCurrency;
    if (currency === undefined) throw new Error('Tender: savePaymentMethod needs data.currency_code or the setupCurrency option (the verification\'s currency)');
    const attempt = await this.client.setupAttempts.create(
      { customer, currency, usage, ...(this.options.returnUrl === undefined ? {} : { return_url: this.options.returnUrl }) },
      idempotency(input),
    );
    return { id: attempt.payment_method ?? attempt.id, data: { ...attempt } };
  }

  /** Deletes the saved card in Tender: its number leaves the vault. */
  async deletePaymentMethod(input: DeletePaymentMethodInput): Promise<DeletePaymentMethodOutput> {
    try {
      await this.client.paymentMethods.delete(input.data.id);
    } catch (error) {
      if (!(error instanceof TenderApiError && error.code === 'resource_not_found')) throw error;
    }
    return {};
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
