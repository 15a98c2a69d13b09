import assert from 'node:assert/strict';
import { FixedClock } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs, putMerchantRules, serialCard } from '../support/risk-helpers';

/** The thresholds and sliding windows the other specs leave out, each with the controllable clock. */
describe('transaction monitoring: more windows with a controllable clock', function () {
  let t: TestGateway;
  let clock: FixedClock;

  before(async () => {
    clock = new FixedClock(Date.parse('2026-03-03T08:00:00Z'));
    t = await startTestGateway({ clock });
  });
  after(() => t.close());

  async function newShop(rules: unknown): Promise<MerchantClient> {
    const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    await putMerchantRules(t.gateway.app, shop, rules).expect(200);
    return shop;
  }

  it('velocity per IP: the limit counts attempts from one address whatever the card, and slides', async () => {
    const shop = await newShop({
      rules: { velocity: { limits: [{ key: 'ip', window_seconds: 300, max_attempts: 2, score: 100 }] }, card_testing: { enabled: false } },
    });
    const ip = { ip: '198.51.100.30' };
    assert.equal((await payAs(shop, CARDS.visa, ip)).status, 'captured');
    clock.advance(100_000);
    assert.equal((await payAs(shop, CARDS.mastercard, ip)).status, 'captured');
    assert.equal((await payAs(shop, CARDS.mir, ip)).failure_code, 'fraud_suspected');
    assert.equal((await payAs(shop, CARDS.mir, { ip: '198.51.100.31' })).status, 'captured', 'another address');
    clock.advance(200_001);
    // The first attempt left the window; the second and the blocked third are still in it.
    assert.equal((await payAs(shop, CARDS.visa, ip)).failure_code, 'fraud_suspected');
    clock.advance(300_001);
    assert.equal((await payAs(shop, CARDS.visa, ip)).status, 'captured');
  });

  it('velocity per merchant: attempts and amount across all buyers of the shop', async () => {
    const shop = await newShop({
      rules: {
        velocity: {
          limits: [
            { key: 'merchant', window_seconds: 600, max_attempts: 3, score: 100 },
            { key: 'merchant', window_seconds: 600, max_amount: 1_000_000, score: 100 },
          ],
        },
      },
    });
    for (let i = 0; i < 3; i++)
      assert.equal((await payAs(shop, i % 2 === 0 ? CARDS.visa : CARDS.mastercard, { ip: `192.0.2.${i + 1}` }, { amount: 100_000 })).status, 'captured');
    const fourth = await payAs(shop, CARDS.mir, { ip: '192.0.2.99' }, { amount: 100 });
    assert.equal(fourth.failure_code, 'fraud_suspected');
    assert.match(fourth.risk.reasons[0]?.reason ?? '', /3 attempts per merchant in the last 600s \(limit 3\)/);
    clock.advance(600_001);
    assert.equal((await payAs(shop, CARDS.visa, {}, { amount: 1_000_000 })).status, 'captured', 'exactly the amount limit, window empty');
    const over = await payAs(shop, CARDS.visa, {}, { amount: 1 });
    assert.equal(over.failure_code, 'fraud_suspected');
    assert.match(over.risk.reasons[0]?.reason ?? '', /RUB\s10,000\.01 per merchant in the last 600s \(limit RUB\s10,000\.00\)/);
  });

  it('card testing: distinct cards from one IP in a sliding window', async () => {
    const shop = await newShop({ rules: { card_testing: { max_distinct_cards: 2, distinct_window_seconds: 900 }, velocity: { enabled: false } } });
    const ip = { ip: '203.0.113.200' };
    assert.equal((await payAs(shop, serialCard(900), ip)).failure_code, 'do_not_honor');
    clock.advance(60_000);
    assert.equal((await payAs(shop, serialCard(901), ip)).failure_code, 'do_not_honor');
    assert.equal((await payAs(shop, serialCard(901), ip)).failure_code, 'do_not_honor', 'the same card again is not another card');
    const third = await payAs(shop, serialCard(902), ip);
    assert.equal(third.failure_code, 'fraud_suspected');
    assert.match(third.risk.reasons[0]?.reason ?? '', /2 other cards tried from this IP in the last 900s/);
    clock.advance(900_001);
    assert.equal((await payAs(shop, serialCard(903), ip)).failure_code, 'do_not_honor', 'the window slid past them');
  });

  it('declines: the window and the threshold come from the rule set', async () => {
    const shop = await newShop({ rules: { declines: { max_declines: 2, window_seconds: 120 } } });
    for (let i = 0; i < 2; i++) assert.equal((await payAs(shop, CARDS.insufficientFunds, {})).failure_code, 'insufficient_funds');
    assert.equal((await payAs(shop, CARDS.insufficientFunds, {})).failure_code, 'fraud_suspected');
    clock.advance(120_001);
    assert.equal((await payAs(shop, CARDS.insufficientFunds, {})).failure_code, 'insufficient_funds');
  });
});
