/*
 * The objects of the saved-cards plugin (@tender/plugin-saved-cards, loaded by
 * default): customers, their saved payment methods, setup attempts and charge
 * schedules (docs/saved-cards.md). The plugin's routes are not in core's OpenAPI
 * document, so these types are written by hand, next to the generated ones; the
 * shop suite's saved-cards spec reads every one of them from a live gateway.
 */

/**
 * A merchant's customer (`cus_...`): the owner of saved cards and schedules. After
 * erasure (`customers.delete`) the personal fields are null.
 *
 * @example
 * ```ts
 * const customer = await tender.customers.create({ email: 'anna@example.com', name: 'Anna Petrova' });
 * customer.id; // 'cus_...'
 * ```
 */
export interface Customer {
  /** Starts with cus_. */
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  metadata: Record<string, string>;
  livemode: boolean;
  /** ISO 8601, UTC. */
  created_at: string;
}

/** The answer to `customers.delete`: the customer is erased (cards deleted, schedules canceled). */
export interface DeletedCustomer {
  id: string;
  object: 'customer';
  deleted: true;
}

/**
 * Body of `customers.create` and `customers.update`; every field optional. On update a
 * field sent replaces the stored one.
 *
 * @example
 * ```ts
 * await tender.customers.update('cus_123', { phone: '+79990001122', metadata: { crm_id: '42' } });
 * ```
 */
export interface CustomerParams {
  email?: string;
  name?: string;
  phone?: string;
  description?: string;
  metadata?: Record<string, string>;
}

/** Query of `customers.list`: newest first, `starting_after` a customer id of the previous page. */
export interface ListCustomersParams {
  email?: string;
  limit?: number;
  starting_after?: string;
}

/**
 * How the buyer agreed to the card being saved: on the hosted page (the checkbox,
 * with the text's version, the time and the buyer's IP) or declared by the merchant
 * over the API.
 */
export interface CardConsent {
  source: 'hosted_page' | 'api';
  text_version: string | null;
  /** ISO 8601, UTC. */
  recorded_at: string;
  ip: string | null;
}

/**
 * A saved card (`pm_...`) of a customer. Only brand, last 4 and expiry are ever shown;
 * the card number stays in the gateway's vault and is deleted with the payment method.
 *
 * @example
 * ```ts
 * const { data } = await tender.customers.paymentMethods('cus_123');
 * data.map((pm) => `${pm.card.brand} •••• ${pm.card.last4} ${pm.card.exp_month}/${pm.card.exp_year}`);
 * ```
 */
export interface SavedPaymentMethod {
  /** Starts with pm_. Pass it as `payment_method` of a payment or a schedule. */
  id: string;
  object: 'payment_method';
  type: 'card';
  /** The customer's id (cus_...). */
  customer: string;
  card: { brand: string; last4: string; exp_month: number; exp_year: number };
  /** `off_session`: the merchant may charge it without the buyer (merchant-initiated); `on_session`: only with the buyer present. */
  usage: 'on_session' | 'off_session';
  consent: CardConsent | null;
  /** ISO 8601, UTC. */
  created_at: string;
}

/** The answer to `paymentMethods.delete`: the card and its vault entry are gone. */
export interface DeletedPaymentMethod {
  id: string;
  object: 'payment_method';
  deleted: true;
}

/**
 * A card check without a charge (`POST /v1/setup_attempts`): the gateway verifies the
 * card with the bank (a verification payment of the operator's small amount, voided at
 * once, never captured) and saves it for the customer.
 *
 * `status`: `requires_payment_method`, send the buyer to `setup_url`;
 * `requires_action`, the bank's challenge waits at `setup_url`; `processing`;
 * `succeeded` (`payment_method` is the saved card); `failed` (`failure_code`).
 */
export interface SetupAttempt {
  /** Starts with seti_. */
  id: string;
  object: 'setup_attempt';
  customer: string;
  usage: 'on_session' | 'off_session';
  status: 'requires_payment_method' | 'requires_action' | 'processing' | 'succeeded' | 'failed';
  /** The saved card (pm_...), once the check succeeded. */
  payment_method: string | null;
  /** The verification payment (pay_...), voided once approved. */
  payment: string;
  /** The hosted setup page, while the buyer still has something to do there. */
  setup_url: string | null;
  failure_code: string | null;
  livemode: boolean;
  /** ISO 8601, UTC. */
  created_at: string;
}

/**
 * Body of `setupAttempts.create`. With `payment_method` (the buyer's card data, the
 * buyer absent) the card is checked in this request; without it the answer's
 * `setup_url` is the hosted page where the buyer enters the card and agrees to keep it.
 *
 * @example
 * ```ts
 * const attempt = await tender.setupAttempts.create({ customer: 'cus_123', currency: 'RUB', return_url: 'https://shop.example/account' });
 * // send the buyer to attempt.setup_url
 * ```
 */
export interface CreateSetupAttemptParams {
  customer: string;
  /** ISO 4217: the currency of the verification authorization. */
  currency: string;
  /** Default off_session: the shop may charge the card without the buyer. */
  usage?: 'on_session' | 'off_session';
  payment_method?: { type: 'card'; card: { number: string; exp_month: number; exp_year: number; cvc: string; holder_name?: string } };
  return_url?: string;
  locale?: 'ru' | 'en' | 'ar';
  metadata?: Record<string, string>;
}

/** A charge interval of a schedule. */
export type ScheduleInterval = 'day' | 'week' | 'month' | 'year';

/**
 * A recurring charge on a saved card (`sch_...`). The gateway charges each period once
 * (merchant-initiated), retries soft declines on its policy and stops on a hard decline.
 *
 * @example
 * ```ts
 * const s = await tender.schedules.create({ customer: 'cus_123', payment_method: 'pm_456', amount: 99000, currency: 'RUB', interval: 'month', start_date: '2027-01-01' });
 * s.next_charge_at; // '2027-01-01T00:00:00.000Z'
 * ```
 */
export interface Schedule {
  /** Starts with sch_. */
  id: string;
  object: 'schedule';
  customer: string;
  payment_method: string;
  /** Minor units. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
  interval: ScheduleInterval;
  interval_count: number;
  /** How many charges in all, when the schedule has a count. */
  count: number | null;
  /** YYYY-MM-DD: the first charge's date. */
  start_date: string;
  /** YYYY-MM-DD, when the schedule ends on a date. */
  end_date: string | null;
  /** The zone the dates are days of (charges fall at its midnight). */
  time_zone: string;
  /** The language of the customer's e-mails, when set. */
  locale: 'ru' | 'en' | 'ar' | null;
  description: string | null;
  metadata: Record<string, string>;
  status: 'active' | 'past_due' | 'canceled' | 'completed';
  charges_made: number;
  /** The period the next charge is for (1-based); null once the schedule is final. */
  next_period: number | null;
  /** 0 for the charge on its date, 1.. for retries after a soft decline. */
  next_attempt: number | null;
  /** ISO 8601; null once the schedule is final. */
  next_charge_at: string | null;
  cancellation_reason: string | null;
  canceled_at: string | null;
  completed_at: string | null;
  livemode: boolean;
  created_at: string;
}

/**
 * Body of `schedules.create`. `amount` is in minor units and above zero; give `count` or
 * `end_date` (neither: until canceled); `start_date` (YYYY-MM-DD) is the first charge.
 */
export interface CreateScheduleParams {
  customer: string;
  payment_method: string;
  amount: number;
  currency: string;
  interval: ScheduleInterval;
  interval_count?: number;
  count?: number;
  end_date?: string;
  start_date: string;
  description?: string;
  metadata?: Record<string, string>;
  locale?: 'ru' | 'en' | 'ar';
}

/** Query of `schedules.list`: newest first. */
export interface ListSchedulesParams {
  customer?: string;
  status?: Schedule['status'];
  limit?: number;
  starting_after?: string;
}

/** One attempt at a schedule's charge: one per period, more where a soft decline was retried (oldest first). */
export interface ScheduleCharge {
  /** Starts with schc_. */
  id: string;
  object: 'schedule_charge';
  schedule: string;
  /** The period charged, 1-based. */
  period: number;
  /** 0 for the charge on its date, 1.. for retries. */
  attempt: number;
  status: 'processing' | 'succeeded' | 'failed';
  /** The payment made for this attempt. */
  payment: string | null;
  failure_code: string | null;
  failure_message: string | null;
  due_at: string;
  created_at: string;
  finished_at: string | null;
}

/**
 * `customers.export`: everything the gateway holds about one customer, for a data
 * subject's request; keys beyond `customer` and `payment_methods` (consents,
 * schedules, payments) arrive as the gateway sends them.
 */
export interface CustomerExport {
  customer: Customer;
  payment_methods: SavedPaymentMethod[];
  [section: string]: unknown;
}

/**
 * Body of `payments.chargeSavedCard`: a payment's usual fields with the customer and
 * its saved card; the client adds `off_session: true` and `confirm: true`.
 */
export interface ChargeSavedCardParams {
  customer: string;
  /** The saved card, pm_... */
  payment_method: string;
  amount: number;
  currency: string;
  order_id: string;
  description?: string;
  capture_method?: 'automatic' | 'manual';
  metadata?: Record<string, string>;
  [extra: string]: unknown;
}
