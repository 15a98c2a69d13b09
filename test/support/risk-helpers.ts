import request from 'supertest';
import { Express } from 'express';
import { ADMIN_TOKEN } from './test-gateway';
import { MerchantClient, card } from './merchant-client';

/** A Luhn-valid 16-digit Visa number from a serial, outside the sandbox's test-card table (so it is declined). */
export function serialCard(serial: number): string {
  const body = `400012${String(serial).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** Creates a payment and confirms it with a card and the buyer's ip/e-mail; returns the confirm response body. */
export async function payAs(
  shop: MerchantClient,
  number: string,
  customer: { ip?: string; email?: string },
  overrides: Record<string, unknown> = {},
): Promise<
  Record<string, unknown> & {
    id: string;
    status: string;
    failure_code: string | null;
    risk: { score: number; decision: string; reasons: Array<{ rule: string; reason: string; dry_run: boolean }> };
  }
> {
  const payment = await shop.createPayment(overrides);
  const res = await shop.post(`/v1/payments/${payment.id}/confirm`, { ...card(number), customer }).expect(200);
  return res.body;
}

export function putMerchantRules(app: Express, shop: MerchantClient, body: unknown): request.Test {
  return request(app)
    .put('/v1/risk/rules')
    .set('Authorization', `Bearer ${shop.key}`)
    .send(body as object);
}

export function putOperatorRules(app: Express, body: unknown): request.Test {
  return request(app)
    .put('/admin/v1/risk/rules')
    .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
    .send(body as object);
}
