import { createHash } from 'node:crypto';
import request from 'supertest';
import { Express } from 'express';
import { ADMIN_TOKEN } from './test-gateway';

/** The Assist settings every Assist spec uses. */
export const ASSIST = {
  merchantId: '700123',
  salt: 'tender-assist-salt',
  login: 'shop_api',
  password: 'correct-horse-9',
} as const;

/**
 * Assist's checkvalue written out again from DOMAIN.md, independently of the plugin:
 * UPPER(md5(UPPER(md5(SALT) + md5(X)))), md5 as lowercase hex.
 */
export function independentCheckvalue(salt: string, x: string): string {
  const md5 = (s: string): string => createHash('md5').update(Buffer.from(s, 'utf8')).digest('hex');
  const inner = `${md5(salt)}${md5(x)}`.toUpperCase();
  return md5(inner).toUpperCase();
}

/** The request checkvalue of order.cfm: X = Merchant_ID;OrderNumber;OrderAmount;OrderCurrency. */
export function signOrder(form: Record<string, string>, salt: string = ASSIST.salt): string {
  return independentCheckvalue(salt, `${form.Merchant_ID};${form.OrderNumber};${form.OrderAmount};${form.OrderCurrency}`);
}

/** The currencies and return URL hosts the specs' shop uses (a new merchant gets RUB and no hosts). */
export const ASSIST_LIMITS = { currencies: ['RUB', 'JPY', 'KWD', 'USD', 'EUR'], return_url_hosts: ['shop.example'] } as const;

/** The operator enables Assist for a merchant. */
export async function enableAssist(app: Express, merchantId: string, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await request(app)
    .put(`/admin/v1/merchants/${merchantId}/assist`)
    .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
    .send({ assist_merchant_id: Number(ASSIST.merchantId), salt: ASSIST.salt, login: ASSIST.login, password: ASSIST.password, ...ASSIST_LIMITS, ...overrides })
    .expect(200);
  return res.body;
}

/** A form POST the way a shop module sends it. */
export function postForm(app: Express, path: string, form: Record<string, string>): request.Test {
  return request(app).post(path).type('form').send(form);
}

/** Rows of the tables a refused request must not touch. */
export async function rowCounts(
  db: (table: string) => { count(arg: { n: string }): { first(): Promise<{ n: unknown } | undefined> } },
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['payments', 'events', 'bank_operations', 'refunds', 'assist_pushes'])
    out[table] = Number((await db(table).count({ n: '*' }).first())?.n ?? 0);
  return out;
}
