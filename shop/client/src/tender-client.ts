import { randomUUID } from 'node:crypto';
import { TenderApiError, TenderConnectionError } from './errors';
import {
  Branding,
  CardParams,
  CreatePaymentParams,
  CreateRefundParams,
  CreateWebhookEndpointParams,
  List,
  ListEventsParams,
  ListPaymentsParams,
  Payment,
  Refund,
  Redelivery,
  RequestOptions,
  TenderEvent,
  UpdateBrandingParams,
  WebhookDelivery,
  WebhookEndpoint,
} from './types';
import {
  ChargeSavedCardParams,
  CreateScheduleParams,
  CreateSetupAttemptParams,
  Customer,
  CustomerExport,
  CustomerParams,
  DeletedCustomer,
  DeletedPaymentMethod,
  ListCustomersParams,
  ListSchedulesParams,
  SavedPaymentMethod,
  Schedule,
  ScheduleCharge,
  SetupAttempt,
} from './saved-cards-types';

export interface TenderClientOptions {
  /** The merchant's secret key (sk_test_... or sk_live_...). */
  readonly secretKey: string;
  /** The gateway's base URL, e.g. https://pay.example.com */
  readonly baseUrl: string;
  /** Retries after a network error or a 5xx/409-in-use answer (default 3). */
  readonly maxRetries?: number;
  /** Per-attempt timeout in milliseconds (default 30 s). */
  readonly timeoutMs?: number;
  /** For tests and custom transports; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

/**
 * A typed client for Tender's merchant API. Every POST carries an Idempotency-Key
 * (yours, or a random one the client makes), and a retry after a network error
 * reuses the same key, so a retried payment is never created or charged twice.
 *
 * @example
 * ```ts
 * const tender = new TenderClient({ secretKey: process.env.TENDER_SECRET_KEY!, baseUrl: 'https://pay.example.com' });
 * const payment = await tender.payments.create({ amount: 150000, currency: 'RUB', order_id: 'A-1042' });
 * // send the buyer to payment.payment_url
 * ```
 */
export class TenderClient {
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;

  constructor(private readonly options: TenderClientOptions) {
    if (!/^sk_(test|live)_/.test(options.secretKey)) throw new Error('TenderClient needs a secret key (sk_test_... or sk_live_...)');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 3;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  readonly payments = {
    create: (params: CreatePaymentParams, opts?: RequestOptions): Promise<Payment> => this.request('POST', '/v1/payments', params, opts),
    retrieve: (id: string): Promise<Payment> => this.request('GET', `/v1/payments/${encodeURIComponent(id)}`),
    list: (params: ListPaymentsParams = {}): Promise<List<Payment>> => this.request('GET', `/v1/payments${query(params)}`),
    confirmWithCard: (id: string, card: CardParams, opts?: RequestOptions): Promise<Payment> =>
      this.request('POST', `/v1/payments/${encodeURIComponent(id)}/confirm`, { payment_method: { type: 'card', card } }, opts),
    capture: (id: string, params: { amount?: number } = {}, opts?: RequestOptions): Promise<Payment> =>
      this.request('POST', `/v1/payments/${encodeURIComponent(id)}/capture`, params, opts),
    cancel: (id: string, opts?: RequestOptions): Promise<Payment> => this.request('POST', `/v1/payments/${encodeURIComponent(id)}/cancel`, {}, opts),
    /** Pays a pending payment with a saved card (`pm_...`) of the payment's customer, the buyer present; `cvc` when the gateway asks for it again. */
    confirmWithSavedCard: (id: string, paymentMethod: string, options: { cvc?: string } = {}, opts?: RequestOptions): Promise<Payment> =>
      this.request('POST', `/v1/payments/${encodeURIComponent(id)}/confirm`, { payment_method: options.cvc === undefined ? paymentMethod : { type: 'saved_card', saved_card: { id: paymentMethod, cvc: options.cvc } } }, opts),
    /**
     * A merchant-initiated charge of a saved card, the buyer absent: created and confirmed
     * in one request (`confirm: true`, `off_session: true`). Refused input (an expired,
     * deleted or foreign card) creates no payment; a bank that still wants the buyer's
     * authentication leaves it `requires_action`.
     *
     * @example
     * ```ts
     * const p = await tender.payments.chargeSavedCard({ customer: 'cus_123', payment_method: 'pm_456', amount: 99000, currency: 'RUB', order_id: 'renewal-7' });
     * ```
     */
    chargeSavedCard: (params: ChargeSavedCardParams, opts?: RequestOptions): Promise<Payment> =>
      this.request('POST', '/v1/payments', { ...params, off_session: true, confirm: true }, opts),
  };

  /** Customers of the saved-cards plugin (docs/saved-cards.md): the owners of saved cards and schedules. */
  readonly customers = {
    create: (params: CustomerParams = {}, opts?: RequestOptions): Promise<Customer> => this.request('POST', '/v1/customers', params, opts),
    retrieve: (id: string): Promise<Customer> => this.request('GET', `/v1/customers/${encodeURIComponent(id)}`),
    update: (id: string, params: CustomerParams, opts?: RequestOptions): Promise<Customer> => this.request('POST', `/v1/customers/${encodeURIComponent(id)}`, params, opts),
    list: (params: ListCustomersParams = {}): Promise<List<Customer>> => this.request('GET', `/v1/customers${query(params)}`),
    /** Erases the customer: every saved card's vault entry deleted, schedules canceled, personal fields blanked. */
    delete: (id: string): Promise<DeletedCustomer> => this.request('DELETE', `/v1/customers/${encodeURIComponent(id)}`),
    /** Everything held about the customer, as JSON (a data subject's access request). */
    export: (id: string): Promise<CustomerExport> => this.request('GET', `/v1/customers/${encodeURIComponent(id)}/export`),
    /** The customer's saved cards (brand, last 4, expiry, usage, consent). */
    paymentMethods: (id: string): Promise<List<SavedPaymentMethod>> => this.request('GET', `/v1/customers/${encodeURIComponent(id)}/payment_methods`),
  };

  /** Saved cards (`pm_...`) by id. */
  readonly paymentMethods = {
    /** A customer's saved cards; the same as `customers.paymentMethods(customer)`. */
    list: (params: { customer: string }): Promise<List<SavedPaymentMethod>> => this.customers.paymentMethods(params.customer),
    retrieve: (id: string): Promise<SavedPaymentMethod> => this.request('GET', `/v1/payment_methods/${encodeURIComponent(id)}`),
    /** Deletes the card and its vault entry (the number is gone, not hidden). */
    delete: (id: string): Promise<DeletedPaymentMethod> => this.request('DELETE', `/v1/payment_methods/${encodeURIComponent(id)}`),
  };

  /** Card checks without a charge that save the card for a customer. */
  readonly setupAttempts = {
    create: (params: CreateSetupAttemptParams, opts?: RequestOptions): Promise<SetupAttempt> => this.request('POST', '/v1/setup_attempts', params, opts),
    retrieve: (id: string): Promise<SetupAttempt> => this.request('GET', `/v1/setup_attempts/${encodeURIComponent(id)}`),
  };

  /** Recurring charges on a saved card. */
  readonly schedules = {
    create: (params: CreateScheduleParams, opts?: RequestOptions): Promise<Schedule> => this.request('POST', '/v1/schedules', params, opts),
    retrieve: (id: string): Promise<Schedule> => this.request('GET', `/v1/schedules/${encodeURIComponent(id)}`),
    list: (params: ListSchedulesParams = {}): Promise<List<Schedule>> => this.request('GET', `/v1/schedules${query(params)}`),
    /** The schedule's charges so far (each period with its payment and retries). */
    charges: (id: string, params: { limit?: number; starting_after?: string } = {}): Promise<List<ScheduleCharge>> =>
      this.request('GET', `/v1/schedules/${encodeURIComponent(id)}/charges${query(params)}`),
    /** Stops the schedule: no further charge is made. */
    cancel: (id: string, opts?: RequestOptions): Promise<Schedule> => this.request('POST', `/v1/schedules/${encodeURIComponent(id)}/cancel`, {}, opts),
  };

  readonly refunds = {
    create: (params: CreateRefundParams, opts?: RequestOptions): Promise<Refund> => this.request('POST', '/v1/refunds', params, opts),
    retrieve: (id: string): Promise<Refund> => this.request('GET', `/v1/refunds/${encodeURIComponent(id)}`),
    list: (params: { payment_id: string; limit?: number; starting_after?: string }): Promise<List<Refund>> => this.request('GET', `/v1/refunds${query(params)}`),
  };

  readonly events = {
    list: (params: ListEventsParams = {}): Promise<List<TenderEvent>> => this.request('GET', `/v1/events${query(params)}`),
    retrieve: (id: string): Promise<TenderEvent> => this.request('GET', `/v1/events/${encodeURIComponent(id)}`),
    /** Queues the event again for every subscribed endpoint, or only for `endpoint`. */
    redeliver: (id: string, params: { endpoint?: string } = {}, opts?: RequestOptions): Promise<Redelivery> =>
      this.request('POST', `/v1/events/${encodeURIComponent(id)}/redeliver`, params, opts),
  };

  readonly webhookEndpoints = {
    /** The answer is the only one that carries `secret`: store it. */
    create: (params: CreateWebhookEndpointParams, opts?: RequestOptions): Promise<WebhookEndpoint> => this.request('POST', '/v1/webhook_endpoints', params, opts),
    retrieve: (id: string): Promise<WebhookEndpoint> => this.request('GET', `/v1/webhook_endpoints/${encodeURIComponent(id)}`),
    list: (): Promise<List<WebhookEndpoint>> => this.request('GET', '/v1/webhook_endpoints'),
    delete: (id: string): Promise<WebhookEndpoint & { deleted: true }> => this.request('DELETE', `/v1/webhook_endpoints/${encodeURIComponent(id)}`),
    /** New secret in the answer; the old one keeps signing until `previous_secret_expires_at`. */
    rotateSecret: (id: string, params: { expires_in_hours?: number } = {}, opts?: RequestOptions): Promise<WebhookEndpoint> =>
      this.request('POST', `/v1/webhook_endpoints/${encodeURIComponent(id)}/rotate_secret`, params, opts),
    deliveries: (id: string, params: { limit?: number; starting_after?: string } = {}): Promise<List<WebhookDelivery>> =>
      this.request('GET', `/v1/webhook_endpoints/${encodeURIComponent(id)}/deliveries${query(params)}`),
  };

  readonly branding = {
    /** The merchant's payment-page branding (fields never set are null). */
    retrieve: (): Promise<Branding> => this.request('GET', '/v1/branding'),
    /** Replaces the fields sent; `null` clears one. Applies to every payment page from now on. */
    update: (params: UpdateBrandingParams): Promise<Branding> => this.request('PUT', '/v1/branding', params),
    /** The payment page (HTML) with sample data as it would look with `params` applied; stores nothing. */
    preview: (params: UpdateBrandingParams = {}, options: { locale?: 'ru' | 'en' | 'ar' } = {}): Promise<string> =>
      this.send('POST', `/v1/branding/preview${query(options)}`, params, {}).then((r) => r.text),
  };

  /** Any endpoint, for parts of the API this version of the client has no method for. */
  async request<T>(method: HttpMethod, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const { text } = await this.send(method, path, body, opts);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * One call with retries. The Idempotency-Key is chosen once, before the first
   * attempt, so every retry of a POST is the same request to the gateway.
   */
  private async send(method: HttpMethod, path: string, body: unknown, opts: RequestOptions): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.options.secretKey}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method === 'POST') headers['Idempotency-Key'] = opts.idempotencyKey ?? randomUUID();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (attempt > 0) await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)) * (0.5 + Math.random()));
      let response: Response;
      try {
        response = await this.fetchImpl(`${this.baseUrl}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        lastError = error;
        continue; // Network error: safe to retry, the Idempotency-Key makes it the same request.
      }
      const text = await response.text();
      if (response.ok) return { status: response.status, text };
      const err = errorBody(text);
      const apiError = new TenderApiError(response.status, err.type ?? 'api_error', err.code ?? 'unknown', err.message ?? response.statusText, err.param, response.headers.get('request-id') ?? undefined);
      // Retry only what a retry can fix: our own request still running, or a server error.
      const retriable = response.status >= 500 || err.code === 'idempotency_key_in_use' || err.code === 'payment_operation_in_progress';
      if (!retriable || err.code === 'bank_outcome_unknown' || err.code === 'bank_declined') throw apiError;
      lastError = apiError;
    }
    if (lastError instanceof TenderApiError) throw lastError;
    throw new TenderConnectionError(`no answer from ${this.baseUrl} after ${this.maxRetries + 1} attempts`, lastError);
  }
}

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The catalogue error of a non-2xx answer; a proxy's HTML error page gives an empty one. */
function errorBody(text: string): { type?: string; code?: string; message?: string; param?: string } {
  try {
    return (JSON.parse(text) as { error?: { type?: string; code?: string; message?: string; param?: string } } | null)?.error ?? {};
  } catch {
    return {};
  }
}

function query(params: object): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
