import { Dispatcher } from 'undici';
import { LoadPlan } from './load-protocol';

/** One HTTP exchange as a workload sees it. */
export interface Exchange {
  readonly status: number;
  readonly body: string;
}

/** Sends a request to the next target (round-robin) and records its latency. */
export type Send = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Exchange>;

/** What one unit of work reports: whether it was created and completed, or why it failed. */
export interface UnitOutcome {
  readonly created: boolean;
  readonly completed: boolean;
  readonly error?: string;
}

/**
 * A kind of load. A unit is what the throughput counts (a payment, a page view).
 * New scenarios add a workload here in a few lines.
 */
export interface Workload {
  readonly unit: string;
  run(send: Send, sequence: number, plan: LoadPlan): Promise<UnitOutcome>;
}

const CONFIRM_BODY = { payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } } };

/** Scenario 1 (and 2, 5, 6): create a payment, confirm it with the approved sandbox card, automatic capture. */
/** Create + confirm with `card`, automatic capture; the unit completes when the confirm answers `captured`. */
async function payOnce(send: Send, orderId: string, amount: number, card: string): Promise<UnitOutcome> {
  const created = await send('POST', '/v1/payments', { amount, currency: 'RUB', order_id: orderId, description: 'benchmark order' });
  if (created.status !== 201) return { created: false, completed: false, error: `create: HTTP ${created.status} ${created.body.slice(0, 160)}` };
  const id = (JSON.parse(created.body) as { id?: unknown }).id;
  if (typeof id !== 'string') return { created: true, completed: false, error: 'create: no id in the answer' };
  const confirmed = await send('POST', `/v1/payments/${id}/confirm`, {
    payment_method: { type: 'card', card: { ...CONFIRM_BODY.payment_method.card, number: card } },
  });
  if (confirmed.status !== 200) return { created: true, completed: false, error: `confirm: HTTP ${confirmed.status} ${confirmed.body.slice(0, 160)}` };
  const status = (JSON.parse(confirmed.body) as { status?: unknown }).status;
  if (status !== 'captured') return { created: true, completed: false, error: `confirm: status ${String(status)}, expected captured` };
  return { created: true, completed: true };
}

/** Scenario 1 (and 2, 5, 6): create a payment, confirm it with the approved sandbox card, automatic capture. */
const cardPayment: Workload = {
  unit: 'payment',
  run: (send, sequence, plan) => payOnce(send, `${plan.orderPrefix}${sequence}`, 150000, CONFIRM_BODY.payment_method.card.number),
};

/**
 * The simulator's approved cards (tender-bank-sim's SIMULATOR_CARDS). Each starts with
 * 100 000.00 at the simulator, so the ISO workload pays 1.00 and takes turns between
 * them: a run of tens of thousands of payments never runs a card out of funds.
 */
const SIMULATOR_APPROVED_CARDS = ['4242424242424242', '5555555555554444', '2200000000000004'] as const;

/** Scenario 4: the same payment in live mode, authorized through the ISO 8583 adapter (a 0200 purchase). */
const isoCardPayment: Workload = {
  unit: 'payment',
  run: (send, sequence, plan) => payOnce(send, `${plan.orderPrefix}${sequence}`, 100, SIMULATOR_APPROVED_CARDS[sequence % SIMULATOR_APPROVED_CARDS.length]),
};

/** Scenario 3: one GET of a page (`plan.path`); it completes on a 200 with an HTML document. */
const pageView: Workload = {
  unit: 'page',
  async run(send, _sequence, plan) {
    const page = await send('GET', plan.path ?? '/');
    if (page.status !== 200) return { created: false, completed: false, error: `GET ${plan.path ?? '/'}: HTTP ${page.status} ${page.body.slice(0, 160)}` };
    if (!page.body.includes('</html>'))
      return { created: true, completed: false, error: `GET ${plan.path ?? '/'}: no complete HTML document (${page.body.length} bytes)` };
    return { created: true, completed: true };
  },
};

/** A client's customer and the card saved for it (merchant-initiated workload). */
interface SavedCardOnFile {
  readonly customer: string;
  readonly paymentMethod: string;
}

/**
 * Once per client (its first unit, in the warm-up): a customer, and the approved
 * sandbox card saved for merchant-initiated payments by a paid payment with
 * `setup_future_usage: "off_session"`. Its order id is outside the run's prefix, so
 * the correctness check counts only the merchant-initiated charges.
 */
async function saveCardOnce(send: Send, plan: LoadPlan): Promise<SavedCardOnFile> {
  const customer = await send('POST', '/v1/customers', { email: 'bench-buyer@example.com', name: 'Benchmark buyer' });
  if (customer.status !== 201) throw new Error(`customer: HTTP ${customer.status} ${customer.body.slice(0, 160)}`);
  const customerId = String((JSON.parse(customer.body) as { id?: unknown }).id);
  const first = await send('POST', '/v1/payments', {
    amount: 100,
    currency: 'RUB',
    order_id: `setup-${plan.orderPrefix}${customerId}`,
    customer: customerId,
    setup_future_usage: 'off_session',
    confirm: true,
    payment_method: CONFIRM_BODY.payment_method,
  });
  if (first.status !== 201) throw new Error(`saving payment: HTTP ${first.status} ${first.body.slice(0, 160)}`);
  const methods = await send('GET', `/v1/customers/${customerId}/payment_methods`);
  const saved = (JSON.parse(methods.body) as { data?: Array<{ id?: unknown }> }).data?.[0]?.id;
  if (methods.status !== 200 || typeof saved !== 'string') throw new Error(`the card was not saved: HTTP ${methods.status} ${methods.body.slice(0, 160)}`);
  return { customer: customerId, paymentMethod: saved };
}

const onFile = new WeakMap<Send, Promise<SavedCardOnFile>>();

/**
 * Scenario 8: a merchant-initiated charge of a saved card, one request (create with
 * `customer`, `payment_method: "pm_..."`, `off_session: true`, `confirm: true`),
 * automatic capture; the unit completes when it answers `captured`.
 */
const mitPayment: Workload = {
  unit: 'payment',
  async run(send, sequence, plan) {
    let saved = onFile.get(send);
    if (saved === undefined) {
      saved = saveCardOnce(send, plan);
      onFile.set(send, saved);
    }
    const { customer, paymentMethod } = await saved;
    const charged = await send('POST', '/v1/payments', {
      amount: 150000,
      currency: 'RUB',
      order_id: `${plan.orderPrefix}${sequence}`,
      description: 'benchmark renewal',
      customer,
      payment_method: paymentMethod,
      off_session: true,
      confirm: true,
    });
    if (charged.status !== 201) return { created: false, completed: false, error: `charge: HTTP ${charged.status} ${charged.body.slice(0, 160)}` };
    const status = (JSON.parse(charged.body) as { status?: unknown }).status;
    if (status !== 'captured') return { created: true, completed: false, error: `charge: status ${String(status)}, expected captured` };
    return { created: true, completed: true };
  },
};

export const WORKLOADS: Readonly<Record<string, Workload>> = {
  'card-payment': cardPayment,
  'iso-card-payment': isoCardPayment,
  'page-view': pageView,
  'mit-payment': mitPayment,
};

/** Reads a whole undici response body as text (it must always be consumed). */
export async function readBody(response: Dispatcher.ResponseData): Promise<string> {
  return response.body.text();
}
