import { Dispatcher } from 'undici';

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
  run(send: Send, sequence: number, orderPrefix: string): Promise<UnitOutcome>;
}

const CONFIRM_BODY = { payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } } };

/** Scenario 1 (and 2, 5, 6): create a payment, confirm it with the approved sandbox card, automatic capture. */
const cardPayment: Workload = {
  unit: 'payment',
  async run(send, sequence, orderPrefix) {
    const created = await send('POST', '/v1/payments', { amount: 150000, currency: 'RUB', order_id: `${orderPrefix}${sequence}`, description: 'benchmark order' });
    if (created.status !== 201) return { created: false, completed: false, error: `create: HTTP ${created.status} ${created.body.slice(0, 160)}` };
    const id = (JSON.parse(created.body) as { id?: unknown }).id;
    if (typeof id !== 'string') return { created: true, completed: false, error: 'create: no id in the answer' };
    const confirmed = await send('POST', `/v1/payments/${id}/confirm`, CONFIRM_BODY);
    if (confirmed.status !== 200) return { created: true, completed: false, error: `confirm: HTTP ${confirmed.status} ${confirmed.body.slice(0, 160)}` };
    const status = (JSON.parse(confirmed.body) as { status?: unknown }).status;
    if (status !== 'captured') return { created: true, completed: false, error: `confirm: status ${String(status)}, expected captured` };
    return { created: true, completed: true };
  },
};

export const WORKLOADS: Readonly<Record<string, Workload>> = { 'card-payment': cardPayment };

/** Reads a whole undici response body as text (it must always be consumed). */
export async function readBody(response: Dispatcher.ResponseData): Promise<string> {
  return response.body.text();
}
