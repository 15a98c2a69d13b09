import request from 'supertest';
import { Express } from 'express';

export const CARDS = {
  visa: '4242424242424242',
  mastercard: '5555555555554444',
  mir: '2200000000000004',
  doNotHonor: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expiredCard: '4000000000000069',
  incorrectCvc: '4000000000000127',
  processingError: '4000000000000119',
  threeDSecure: '4000000000003220',
  timeout: '4000000000000259',
} as const;

export function card(number: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { payment_method: { type: 'card', card: { number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123', ...extra } } };
}

/** The merchant API through supertest, with the merchant's key set on every call. */
export class MerchantClient {
  constructor(
    private readonly app: Express,
    readonly key: string,
  ) {}

  post(path: string, body?: unknown, idempotencyKey?: string): request.Test {
    const r = request(this.app).post(path).set('Authorization', `Bearer ${this.key}`);
    if (idempotencyKey !== undefined) r.set('Idempotency-Key', idempotencyKey);
    return body === undefined ? r : r.send(body as object);
  }

  get(path: string): request.Test {
    return request(this.app).get(path).set('Authorization', `Bearer ${this.key}`);
  }

  async createPayment(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string }> {
    const res = await this.post('/v1/payments', {
      amount: 150000,
      currency: 'RUB',
      order_id: `order-${Math.random().toString(36).slice(2)}`,
      ...overrides,
    }).expect(201);
    return res.body;
  }

  async pay(number: string, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string; status: string }> {
    const payment = await this.createPayment(overrides);
    const res = await this.post(`/v1/payments/${payment.id}/confirm`, card(number)).expect(200);
    return res.body;
  }
}
