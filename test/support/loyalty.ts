import assert from 'node:assert/strict';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { plugin as loyaltyPlugin } from '@tender/plugin-loyalty';
import { Database } from '@tender/core';
import { TestGateway, TestGatewayOptions, startTestGateway } from './test-gateway';
import { MerchantClient } from './merchant-client';

/** A test gateway with the default plugins and @tender/plugin-loyalty. */
export function startLoyaltyGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  return startTestGateway({ plugins: [sandboxPlugin, accountsPlugin, loyaltyPlugin], ...options });
}

/** A merchant program (1 point = 1.00 RUB, 5 % accrual, points pay at most half) and one card in it. */
export async function programWithCard(shop: MerchantClient, extra: Record<string, unknown> = {}): Promise<{ program: string; number: string }> {
  const program = (
    await shop
      .post('/v1/loyalty/programs', { name: 'Tea points', currency: 'RUB', point_value: 100, base_bps: 500, max_redeem_bps: 5000, ...extra })
      .expect(201)
  ).body.id as string;
  const number = (await shop.post('/v1/loyalty/cards', { program, holder: 'Anna' }).expect(201)).body.number as string;
  return { program, number };
}

/** Puts `points` on a card as an accrual from the program's issued account (a test's starting balance). */
export async function grantPoints(db: Database, number: string, points: number): Promise<void> {
  const card = await db('loyalty_cards').where({ number }).first();
  const issued = await db('loyalty_accounts')
    .where({ system_key: `${card.program_id}:issued` })
    .first();
  const id = `lm_grant${Math.random().toString(36).slice(2, 12)}`;
  await db.transaction(async (trx) => {
    await trx('loyalty_movements').insert({
      id,
      program_id: card.program_id,
      card_id: card.id,
      kind: 'accrual',
      points,
      discount: 0,
      merchant_id: null,
      livemode: false,
      payment_id: null,
      reverses_id: null,
      idempotency_key: id,
      created_at: Date.now(),
    });
    await trx('loyalty_entries').insert([
      { movement_id: id, account_id: card.account_id, points },
      { movement_id: id, account_id: issued.id, points: -points },
    ]);
    await trx('loyalty_accounts').where({ id: card.account_id }).increment('balance', points).increment('version', 1);
    await trx('loyalty_accounts').where({ id: issued.id }).decrement('balance', points).increment('version', 1);
  });
}

/**
 * The ledger's invariants: every movement's entries sum to zero, every account's
 * balance equals the sum of its entries, no member balance is below zero.
 */
export async function assertLedgerInvariants(db: Database): Promise<void> {
  const unbalanced = await db('loyalty_entries').select('movement_id').sum({ total: 'points' }).groupBy('movement_id').havingRaw('SUM(points) <> 0');
  assert.deepEqual(unbalanced, [], 'every movement sums to zero');
  for (const account of await db('loyalty_accounts')) {
    const row = await db('loyalty_entries').where({ account_id: account.id }).sum({ total: 'points' }).first();
    assert.equal(Number(account.balance), Number(row?.total ?? 0), `account ${account.id} (${account.kind}) balance equals its entries`);
    if (account.kind === 'member') assert.ok(Number(account.balance) >= 0, 'a member balance is never negative');
  }
}

export async function balanceOf(shop: MerchantClient, number: string): Promise<number> {
  return (await shop.get(`/v1/loyalty/cards/${number}`).expect(200)).body.balance as number;
}
