import { FixedClock } from '@tender/core';
import { CARDS, MerchantClient } from './merchant-client';
import { putMerchantRules } from './risk-helpers';
import { Express } from 'express';

/** What `seedPayments` made, by what each payment is for. */
export interface SeededPayments {
  readonly all: string[];
  readonly visa: string[];
  readonly mastercard: string[];
  readonly mir: string[];
  readonly declined: string[];
  readonly pending: string[];
  readonly authorized: string[];
  readonly byEmail: { readonly email: string; readonly id: string };
  readonly formula: string;
  readonly jpy: string;
  readonly kwd: string;
  /** The day (YYYY-MM-DD) on which only `secondDay` were created. */
  readonly secondDayDate: string;
  readonly secondDay: string[];
}

/**
 * A merchant's payments for the dashboard specs, made through the API (so every row,
 * event and bank operation is real): several on one millisecond (keyset ties), some a
 * day later, cards of three brands, a decline, pending and authorized payments,
 * other currencies and an order id that a spreadsheet would run as a formula.
 */
export async function seedPayments(app: Express, shop: MerchantClient, clock: FixedClock): Promise<SeededPayments> {
  // Velocity and decline rules would hold repeated test cards; the dashboard specs are not about risk.
  await putMerchantRules(app, shop, { dry_run: true }).expect(200);
  const all: string[] = [];
  const pay = async (number: string, overrides: Record<string, unknown> = {}) => {
    const p = await shop.pay(number, overrides);
    all.push(p.id);
    return p.id;
  };
  const visa = [await pay(CARDS.visa, { amount: 10000 }), await pay(CARDS.visa, { amount: 20000 }), await pay(CARDS.visa, { amount: 30000 })];
  const mastercard = [await pay(CARDS.mastercard, { amount: 150005 }), await pay(CARDS.mastercard, { amount: 99 })];
  const mir = [await pay(CARDS.mir, { amount: 500000 })];
  const declined = [await pay(CARDS.doNotHonor, { amount: 4200 })];
  const authorized = [await pay(CARDS.visa, { amount: 77700, capture_method: 'manual' })];
  const email = 'buyer.one@example.com';
  const byEmail = { email, id: await pay(CARDS.visa, { amount: 12345, customer_email: email }) };
  const created = async (overrides: Record<string, unknown>) => {
    const p = await shop.createPayment(overrides);
    all.push(p.id);
    return p.id;
  };
  const formula = await created({ amount: 5000, order_id: '=HYPERLINK("http://evil.example","x")', description: '+SUM(A1:A2)' });
  const jpy = await created({ amount: 1500, currency: 'JPY' });
  const kwd = await created({ amount: 1234, currency: 'KWD' });
  const pending = [formula, jpy, kwd];
  clock.advance(86_400_000);
  const secondDayDate = new Date(clock.now()).toISOString().slice(0, 10);
  const secondDay = [await pay(CARDS.visa, { amount: 160000 }), await created({ amount: 1700, currency: 'RUB' })];
  pending.push(secondDay[1]);
  visa.push(secondDay[0]);
  return { all, visa, mastercard, mir, declined, pending, authorized, byEmail, formula, jpy, kwd, secondDayDate, secondDay };
}
