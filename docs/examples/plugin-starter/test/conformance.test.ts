/*
 * The starter's implementations against the suites of @tender/core/testing (no
 * gateway, no database): the voucher payment method and the routing strategy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoutingStrategyRegistry, RuleRoutingStrategy } from '@tender/core';
import { RoutingConnection, RoutingInput, assertConforms, checkPaymentMethod, checkRoutingStrategy } from '@tender/core/testing';
import { VoucherLookup, VoucherPage, VoucherPaymentMethod, preferredBanks } from '../src';

/** The suite never confirms a payment, so the method's ledger is never asked. */
const unusedLedger: VoucherLookup = {
  findByCode: async () => {
    throw new Error('the conformance suite does not confirm payments');
  },
};

/** The default strategy (`rules`, without rules: oldest contract first) wrapped by the starter's, as the gateway composes them. */
function composed(banks: readonly string[]) {
  const wrapper = preferredBanks(banks);
  return new RoutingStrategyRegistry([new RuleRoutingStrategy({ rulesFor: async () => [] }), wrapper], wrapper.name).active();
}

test('the voucher method conforms to the PaymentMethod contract', async () => {
  assertConforms(
    await checkPaymentMethod({
      method: new VoucherPaymentMethod(unusedLedger, new VoucherPage(['RUB'])),
      valid: [{ code: '7K2M-9QXD-H4TR-0BZC' }, { code: '7k2m 9qxd h4tr 0bzc' }],
      invalid: [{ code: '7K2M-9QXD-H4TR' }, { code: 'ILOU-ILOU-ILOU-ILOU' }, { code: '' }, { code: 1234567890123456 }],
      requiresInput: true,
      secretFields: ['code'],
    }),
  );
});

test('the preferred-banks strategy, wrapping the rules, conforms to the RoutingStrategy contract', async () => {
  assertConforms(await checkRoutingStrategy({ strategy: composed([]) }));
  // The suite's fixtures name banks after their connections: prefer a usable one and an unusable one.
  assertConforms(await checkRoutingStrategy({ strategy: composed(['probing', 'failing']) }));
});

test('the preferred banks go first, in the order given, and nothing the rules left out comes back', async () => {
  const health = { state: 'closed', errorRate: 0, calls: 0, averageLatencyMs: undefined } as const;
  const connection = (id: string, bankCode: string, createdAt: number, over: Partial<RoutingConnection> = {}): RoutingConnection => ({
    id,
    merchantId: 'mer_1',
    livemode: true,
    bankCode,
    adapterCode: 'sandbox',
    currencies: ['RUB'],
    status: 'active',
    createdAt,
    adapterInstalled: true,
    capabilities: ['card_authorization'],
    health,
    ...over,
  });
  const input: RoutingInput = {
    payment: { reference: 'pay_1', amount: 1000, currency: 'RUB' },
    method: { type: 'card', capability: 'card_authorization', brand: 'visa', bin: '424242' },
    merchant: { id: 'mer_1', livemode: true },
    connections: [
      connection('bcn_a', 'alfa', 1),
      connection('bcn_b', 'beta', 2),
      connection('bcn_c', 'gamma', 3),
      connection('bcn_d', 'delta', 4, { status: 'disabled' }),
    ],
  };
  const plain = await composed([]).route(input);
  assert.deepEqual(
    plain.candidates.map((c) => c.connectionId),
    ['bcn_a', 'bcn_b', 'bcn_c'],
  );
  const preferred = await composed(['gamma', 'beta', 'delta']).route(input);
  assert.deepEqual(
    preferred.candidates.map((c) => c.connectionId),
    ['bcn_c', 'bcn_b', 'bcn_a'],
  );
  assert.match(preferred.candidates[0]?.reason ?? '', /^preferred bank #1; /);
  assert.deepEqual(
    preferred.skipped.map((s) => s.connectionId),
    ['bcn_d'],
  );
});
