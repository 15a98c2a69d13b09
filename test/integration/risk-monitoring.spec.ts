import assert from 'node:assert/strict';
import { BankResult, FixedClock, InquiryResult, definePlugin } from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { BankReconciler } from '@tender/core/dist/payments/bank-reconciler';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs, putMerchantRules, serialCard } from '../support/risk-helpers';

const HOUR = 3600_000;

describe('transaction monitoring: rules, windows and the block path', function () {
  let t: TestGateway;
  let clock: FixedClock;

  before(async () => {
    clock = new FixedClock(Date.parse('2026-03-01T10:00:00Z'));
    t = await startTestGateway({ clock });
  });
  after(() => t.close());

  async function newShop(): Promise<MerchantClient> {
    return new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  }

  it('by default blocks a card after 5 declines within an hour, without asking the bank, until the window passes', async () => {
    const shop = await newShop();
    for (let i = 0; i < 5; i++) {
      const p = await payAs(shop, CARDS.doNotHonor, {});
      assert.equal(p.status, 'declined');
      assert.equal(p.failure_code, 'do_not_honor');
      assert.equal(p.risk.decision, 'allow');
      clock.advance(60_000);
    }
    const blocked = await payAs(shop, CARDS.doNotHonor, {});
    assert.equal(blocked.status, 'declined');
    assert.equal(blocked.failure_code, 'fraud_suspected');
    assert.equal(blocked.risk.decision, 'block');
    assert.equal(blocked.risk.score, 100);
    assert.equal(blocked.risk.reasons[0]?.rule, 'declines');
    assert.deepEqual(await t.gateway.db('bank_operations').where({ payment_id: blocked.id }), [], 'a blocked payment reached a bank');
    const events = await t.gateway.db('events').where({ object_id: blocked.id }).orderBy('seq');
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['payment.created', 'payment.processing', 'payment.declined', 'risk.blocked'],
    );
    assert.equal(JSON.parse(events[2].data).object.risk.decision, 'block', 'the event carries the risk verdict');
    const viewed = (await shop.get(`/v1/payments/${blocked.id}`).expect(200)).body;
    assert.deepEqual(viewed.risk, blocked.risk);

    // Other cards of the same shop are unaffected.
    assert.equal((await payAs(shop, CARDS.visa, {})).status, 'captured');
    // Blocked attempts are not declines: retrying does not extend the block.
    clock.advance(30 * 60_000);
    assert.equal((await payAs(shop, CARDS.doNotHonor, {})).failure_code, 'fraud_suspected');
    // The first decline was 60 minutes + a few seconds ago once we move on; after it leaves the window, only 4 remain.
    clock.advance(HOUR - 30 * 60_000 - 4 * 60_000 + 1000);
    const again = await payAs(shop, CARDS.doNotHonor, {});
    assert.equal(again.failure_code, 'do_not_honor', 'the bank was asked again once the window passed');
  });

  it('a declined payment retried with the blocked card on the same payment is blocked too (pending -> declined -> declined)', async () => {
    const shop = await newShop();
    const first = await payAs(shop, CARDS.insufficientFunds, {});
    for (let i = 0; i < 4; i++)
      await shop
        .post(`/v1/payments/${first.id}/confirm`, {
          payment_method: { type: 'card', card: { number: CARDS.insufficientFunds, exp_month: 12, exp_year: 2031, cvc: '123' } },
        })
        .expect(200);
    const sixth = (
      await shop
        .post(`/v1/payments/${first.id}/confirm`, {
          payment_method: { type: 'card', card: { number: CARDS.insufficientFunds, exp_month: 12, exp_year: 2031, cvc: '123' } },
        })
        .expect(200)
    ).body;
    assert.equal(sixth.failure_code, 'fraud_suspected');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: first.id })).length, 5);
  });

  it('velocity: attempts per e-mail in a sliding window, thresholds and window from the merchant rule set', async () => {
    const shop = await newShop();
    await putMerchantRules(t.gateway.app, shop, {
      rules: { velocity: { limits: [{ key: 'email', window_seconds: 600, max_attempts: 3, score: 100 }] } },
    }).expect(200);
    const buyer = { email: 'Buyer@Example.com' };
    for (let i = 0; i < 3; i++) assert.equal((await payAs(shop, CARDS.visa, buyer)).status, 'captured');
    const fourth = await payAs(shop, CARDS.mastercard, { email: 'buyer@example.com' });
    assert.equal(fourth.failure_code, 'fraud_suspected', 'e-mails compare case-insensitively');
    assert.match(fourth.risk.reasons[0]?.reason ?? '', /3 attempts per email in the last 600s/);
    assert.equal((await payAs(shop, CARDS.visa, { email: 'other@example.com' })).status, 'captured');
    clock.advance(601_000);
    assert.equal((await payAs(shop, CARDS.visa, buyer)).status, 'captured', 'the window slid past the earlier attempts');
  });

  it('velocity: amount per card in a window (same currency only)', async () => {
    const shop = await newShop();
    await putMerchantRules(t.gateway.app, shop, {
      rules: { velocity: { limits: [{ key: 'card', window_seconds: 3600, max_amount: 300000, score: 100 }] } },
    }).expect(200);
    assert.equal((await payAs(shop, CARDS.visa, {}, { amount: 150000 })).status, 'captured');
    assert.equal((await payAs(shop, CARDS.visa, {}, { amount: 100000, currency: 'EUR' })).status, 'captured');
    assert.equal((await payAs(shop, CARDS.visa, {}, { amount: 150000 })).status, 'captured', 'exactly at the limit');
    assert.equal((await payAs(shop, CARDS.visa, {}, { amount: 1 })).failure_code, 'fraud_suspected');
  });

  it('card testing: many small attempts from one IP', async () => {
    const shop = await newShop();
    await putMerchantRules(t.gateway.app, shop, {
      rules: { card_testing: { max_small_attempts: 3, small_amount: 100, small_window_seconds: 300 }, velocity: { enabled: false } },
    }).expect(200);
    const ip = { ip: '198.51.100.9' };
    for (let i = 0; i < 3; i++) assert.equal((await payAs(shop, CARDS.visa, ip, { amount: 100 })).status, 'captured');
    assert.equal((await payAs(shop, CARDS.visa, ip, { amount: 5000 })).status, 'captured', 'a normal amount is not a small attempt');
    assert.equal((await payAs(shop, CARDS.visa, ip, { amount: 50 })).failure_code, 'fraud_suspected');
    clock.advance(301_000);
    assert.equal((await payAs(shop, CARDS.visa, ip, { amount: 50 })).status, 'captured');
  });

  it('amount: above the merchant limit, and far above the usual ticket', async () => {
    const shop = await newShop();
    await putMerchantRules(t.gateway.app, shop, {
      rules: { amount: { max_amounts: { RUB: 500000 }, unusual_min_samples: 3, unusual_multiplier: 5, unusual_score: 100 } },
    }).expect(200);
    assert.equal((await payAs(shop, CARDS.visa, {}, { amount: 500001 })).failure_code, 'fraud_suspected');
    for (let i = 0; i < 3; i++) await payAs(shop, CARDS.visa, {}, { amount: 10000 });
    assert.equal((await payAs(shop, CARDS.visa, {}, { amount: 50000 })).status, 'captured', '5x the mean is not above 5x');
    // The mean is now (3 x 10000 + 50000) / 4 = 20000.
    const big = await payAs(shop, CARDS.visa, {}, { amount: 100001 });
    assert.equal(big.failure_code, 'fraud_suspected');
    assert.match(big.risk.reasons[0]?.reason ?? '', /more than 5x the usual/);
  });

  it('dry-run scores and records without acting', async () => {
    const shop = await newShop();
    await putMerchantRules(t.gateway.app, shop, { rules: { amount: { max_amounts: { RUB: 1000 }, mode: 'dry_run' } } }).expect(200);
    const p = await payAs(shop, CARDS.visa, {}, { amount: 5000 });
    assert.equal(p.status, 'captured');
    assert.equal(p.risk.decision, 'allow');
    assert.equal(p.risk.score, 0);
    assert.deepEqual(
      p.risk.reasons.map((r) => [r.rule, r.dry_run]),
      [['amount', true]],
    );
    const row = await t.gateway.db('risk_assessments').where({ payment_id: p.id }).first();
    assert.equal(row!.dry_run_decision, 'block');
    assert.equal(row!.action, 'allow');
    assert.equal(row!.outcome, 'approved');

    await putMerchantRules(t.gateway.app, shop, { dry_run: true, rules: { amount: { max_amounts: { RUB: 1000 } } } }).expect(200);
    const whole = await payAs(shop, CARDS.visa, {}, { amount: 5000 });
    assert.equal(whole.status, 'captured', 'a dry-run rule set acts on nothing');
    assert.equal((await t.gateway.db('risk_assessments').where({ payment_id: whole.id }).first())!.dry_run_decision, 'block');
  });

  it('challenge falls back to the configured action on the API confirm path, which cannot present 3-D Secure', async () => {
    const shop = await newShop();
    await putMerchantRules(t.gateway.app, shop, { challenge_fallback: 'block', rules: { amount: { max_amounts: { RUB: 1000 }, max_score: 60 } } }).expect(200);
    const p = await payAs(shop, CARDS.visa, {}, { amount: 5000 });
    assert.equal(p.failure_code, 'fraud_suspected');
    assert.equal(p.risk.decision, 'block');
    assert.match(p.risk.reasons.at(-1)?.reason ?? '', /challenge: 3-D Secure cannot be presented on this path/);
    const row = await t.gateway.db('risk_assessments').where({ payment_id: p.id }).first();
    assert.equal(row!.decision, 'challenge');
  });

  it('stores no PAN anywhere the engine writes', async () => {
    const shop = await newShop();
    await payAs(shop, CARDS.mastercard, { ip: '203.0.113.5', email: 'pan@example.com' });
    await payAs(shop, CARDS.doNotHonor, { ip: '203.0.113.5' });
    const pans = Object.values(CARDS);
    for (const table of ['risk_assessments', 'risk_reviews', 'risk_rule_sets', 'risk_key_locks', 'risk_alert_marks', 'events', 'email_outbox']) {
      const dump = JSON.stringify(await t.gateway.db(table).select());
      for (const pan of pans) assert.ok(!dump.includes(pan), `${table} contains a PAN`);
    }
    const cols = Object.keys((await t.gateway.db('risk_assessments').first()) as object);
    assert.ok(cols.includes('card_fingerprint') && !cols.some((c) => /pan|number|cvc/.test(c)));
  });
});

describe('transaction monitoring: a card-testing attack scripted against the API', function () {
  let t: TestGateway;

  before(async () => {
    t = await startTestGateway();
  });
  after(() => t.close());

  it('blocks the attacker after the threshold while normal traffic from other IPs and cards passes', async () => {
    const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    const attacker = { ip: '2001:db8:bad::1' };
    const results: string[] = [];
    for (let i = 0; i < 12; i++) {
      const attack = await payAs(shop, serialCard(i), attacker, { amount: 100 });
      results.push(attack.failure_code ?? attack.status);
      // Real buyers keep paying in between, each from their own address.
      const buyer = await payAs(
        shop,
        i % 2 === 0 ? CARDS.visa : CARDS.mastercard,
        { ip: `192.0.2.${i + 10}`, email: `buyer${i}@example.com` },
        { amount: 250000 },
      );
      assert.equal(buyer.status, 'captured', `buyer ${i} was not served`);
    }
    // Five distinct cards reach the bank (declined there); from the sixth on, none does.
    assert.deepEqual(results, [...Array(5).fill('do_not_honor'), ...Array(7).fill('fraud_suspected')]);
    const reachedBank = await t.gateway.db('bank_operations').whereIn('amount', [100]).count({ n: '*' }).first();
    assert.equal(Number(reachedBank?.n), 5);
  });
});

/** Loses every authorization answer and reports a decline on inquiry: a bank link that drops replies (cannot run here for real). */
class LostDeclineSandbox extends SandboxBankAdapter {
  override async authorize(): Promise<BankResult> {
    return { kind: 'unknown', message: 'answer lost' };
  }
  override async inquire(): Promise<InquiryResult> {
    return { kind: 'declined', reason: 'do_not_honor', rawCode: '05', message: 'declined' };
  }
}

describe('transaction monitoring: declines learned by the reconciler', function () {
  it('count towards the declines rule like declines answered at once', async () => {
    const bank = definePlugin({
      name: 'lost-decline-sandbox',
      version: '0.0.0',
      coreRange: '*',
      setup: (ctx) => ctx.registerBankAdapter(new LostDeclineSandbox()),
    });
    const t = await startTestGateway({ plugins: [bank] });
    try {
      const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
      const reconciler = t.gateway.container.resolve(BankReconciler);
      for (let i = 0; i < 5; i++) {
        assert.equal((await payAs(shop, CARDS.visa, {})).status, 'processing');
        await reconciler.run(-1);
      }
      const outcomes = await t.gateway.db('risk_assessments').select('outcome');
      assert.deepEqual(
        outcomes.map((o: { outcome: string }) => o.outcome),
        Array(5).fill('declined'),
      );
      assert.equal((await payAs(shop, CARDS.visa, {})).failure_code, 'fraud_suspected');
    } finally {
      await t.close();
    }
  });
});
