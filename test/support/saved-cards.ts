import request from 'supertest';
import { Express } from 'express';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { plugin as savedCardsPlugin } from '@tender/plugin-saved-cards';
import { TestGateway, TestGatewayOptions, startTestGateway } from './test-gateway';
import { MerchantClient } from './merchant-client';

/** A test gateway with the default plugins, @tender/plugin-saved-cards among them. */
export function startSavedCardsGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  return startTestGateway({ plugins: [sandboxPlugin, accountsPlugin, savedCardsPlugin], ...options });
}

/** A card that has not expired, as `payment_method` of a payment. */
export function cardMethod(number: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'card', card: { number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123', ...extra } };
}

/** Creates a customer over the API and returns its id. */
export async function createCustomer(
  shop: MerchantClient,
  body: Record<string, unknown> = { email: 'buyer@example.com', name: 'Anna Buyer' },
): Promise<string> {
  const res = await shop.post('/v1/customers', body).expect(201);
  return res.body.id as string;
}

/**
 * Pays with a card and saves it for the customer (API: setup_future_usage) and
 * returns the payment and the saved card's id (`pm_...`).
 */
export async function saveCardViaApi(
  shop: MerchantClient,
  customer: string,
  number: string,
  usage: 'on_session' | 'off_session' = 'off_session',
  extra: Record<string, unknown> = {},
): Promise<{ payment: Record<string, unknown>; pm: string }> {
  const created = await shop.createPayment({ amount: 1000, customer, setup_future_usage: usage });
  const paid = await shop.post(`/v1/payments/${created.id}/confirm`, { payment_method: cardMethod(number, extra) });
  if (paid.status !== 200) throw new Error(`confirming the saving payment: ${paid.status} ${JSON.stringify(paid.body)}`);
  const list = await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200);
  const last4 = number.slice(-4);
  const found = (list.body.data as Array<{ id: string; card: { last4: string } }>).find((m) => m.card.last4 === last4);
  if (found === undefined) throw new Error(`card ${last4} was not saved: ${JSON.stringify(paid.body)}`);
  return { payment: paid.body, pm: found.id };
}

/**
 * The buyer at a payment's page passes the sandbox's 3-D Secure challenge (code
 * 123456 passes), as the hosted page runs it: page -> simulated ACS -> notification.
 */
export async function passChallenge(app: Express, paymentUrl: string, code = '123456'): Promise<void> {
  const token = paymentUrl.split('/pay/')[1] ?? '';
  const challenge = await request(app).get(`/pay/${token}`).expect(200);
  const creq = /name="creq" value="([^"]+)"/.exec(challenge.text)?.[1];
  const notification = /name="notification_url" value="([^"]+)"/.exec(challenge.text)?.[1];
  if (creq === undefined || notification === undefined) throw new Error(`no 3-D Secure challenge on the page:\n${challenge.text.slice(0, 1500)}`);
  await request(app).post('/sandbox/3ds/challenge').type('form').send({ creq, notification_url: notification }).expect(200);
  const answer = await request(app).post('/sandbox/3ds/answer').type('form').send({ creq, notification_url: notification, code }).expect(200);
  const cres = /name="cres" value="([^"]+)"/.exec(answer.text)?.[1] ?? '';
  await request(app).post(notification).type('form').send({ cres }).expect(303);
}
