import request from 'supertest';
import { Express } from 'express';
import { ADMIN_TOKEN } from './test-gateway';

/** The operator API through supertest, with the admin token on every call. */
export class OperatorClient {
  constructor(private readonly app: Express) {}

  post(path: string, body?: unknown): request.Test {
    const r = request(this.app).post(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    return body === undefined ? r : r.send(body as object);
  }

  put(path: string, body: unknown): request.Test {
    return request(this.app)
      .put(path)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send(body as object);
  }

  patch(path: string, body: unknown): request.Test {
    return request(this.app)
      .patch(path)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send(body as object);
  }

  get(path: string): request.Test {
    return request(this.app).get(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  }

  delete(path: string): request.Test {
    return request(this.app).delete(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  }
}

/** Company details that pass validation (a real-format INN with valid check digits). */
export const COMPANY = {
  legal_name: 'OOO Romashka',
  country: 'RU',
  tax_id: '7707083893',
  address: 'Moscow, Tverskaya 1',
  website: 'https://romashka.example',
  contact: { name: 'Ivan Petrov', phone: '+7 495 000-00-00' },
};

/** Applies through the public API and returns the merchant and its test keys. */
export async function apply(
  app: Express,
  name: string,
  email: string,
): Promise<{ id: string; key: string; publishableKey: string; body: Record<string, unknown> }> {
  const res = await request(app).post('/v1/applications').send({ name, email }).expect(201);
  return { id: res.body.id as string, key: res.body.test_secret_key as string, publishableKey: res.body.test_publishable_key as string, body: res.body };
}

/**
 * Takes an applicant all the way to live on `bankCode` (which must exist) and
 * returns its test and live secret keys.
 */
export async function makeLive(app: Express, name: string, bankCode: string, terminalId: string): Promise<{ id: string; testKey: string; liveKey: string }> {
  const op = new OperatorClient(app);
  const m = await apply(app, name, `${name.toLowerCase().replace(/\W+/g, '-')}@shop.example`);
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${m.key}`);
  await auth(request(app).post('/v1/account/registration')).send(COMPANY).expect(200);
  await auth(request(app).post('/v1/account/bank')).send({ bank: bankCode }).expect(200);
  await op.post(`/admin/v1/merchants/${m.id}/approve`).expect(200);
  await op.post(`/admin/v1/merchants/${m.id}/contract`, { bank_merchant_id: `BM${terminalId}`, terminal_ids: [terminalId] }).expect(200);
  await op.post(`/admin/v1/merchants/${m.id}/go_live`).expect(200);
  const live = await auth(request(app).post('/v1/api_keys')).send({ livemode: true }).expect(201);
  return { id: m.id, testKey: m.key, liveKey: live.body.secret as string };
}
