import assert from 'node:assert/strict';
import { FixedClock, InsertRow } from '@tender/core';
import { RiskEngine } from '@tender/core/dist/monitoring/risk-engine';
import { RiskAssessmentRepository } from '@tender/core/dist/monitoring/risk-assessment.repository';
import { backfillRiskBuckets } from '@tender/core/dist/monitoring/risk-bucket-backfill';
import { keyHashOf } from '@tender/core/dist/monitoring/risk-buckets';
import { PaymentService } from '@tender/core/dist/payments/payment.service';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs } from '../support/risk-helpers';

const MINUTE = 60_000;

/** Per-key counters in one-minute buckets (migration 042): what they count, how history from before them counts, and that a check costs the same at any volume. */
describe('transaction monitoring: per-key history buckets', function () {
  let t: TestGateway;
  let clock: FixedClock;

  before(async () => {
    clock = new FixedClock(Date.parse('2026-05-05T10:00:30Z'));
    t = await startTestGateway({ clock });
  });
  after(() => t.close());

  async function newShop(): Promise<{ shop: MerchantClient; merchantId: string }> {
    const m = await t.createMerchant();
    return { shop: new MerchantClient(t.gateway.app, m.key), merchantId: m.id };
  }

  /** Rebuilds every bucket from risk_assessments, as migration 042 does on upgrade. */
  async function rebuildBuckets(): Promise<void> {
    await t.gateway.db('risk_key_buckets').del();
    await backfillRiskBuckets(t.gateway.db, clock.now());
  }

  function historyRow(merchantId: string, n: number, card: string, outcome: string, at: number): InsertRow<'risk_assessments'> {
    return {
      id: `rsk_hist${merchantId.slice(-8)}${n}`,
      merchant_id: merchantId,
      livemode: false,
      payment_id: `pay_hist${n}`,
      card_fingerprint: card,
      card_bin: '400000',
      ip: '198.51.100.77',
      email: 'history@example.com',
      amount: 150000,
      currency: 'RUB',
      score: 0,
      decision: 'allow',
      action: 'allow',
      dry_run_decision: 'allow',
      reasons: '[]',
      rule_set_versions: 'operator:0,merchant:0',
      outcome,
      created_at: at,
      updated_at: at,
    };
  }

  it('counts an attempt in its card, IP and e-mail buckets, and moves it from pending to declined once when the bank answers', async () => {
    const { shop, merchantId } = await newShop();
    const declined = await payAs(shop, CARDS.doNotHonor, { ip: '203.0.113.40', email: 'b@example.com' }, { amount: 300 });
    assert.equal(declined.failure_code, 'do_not_honor');
    const [assessment] = await t.gateway.db('risk_assessments').where({ merchant_id: merchantId });
    const card = String(assessment.card_fingerprint);
    const rows = await t.gateway.db('risk_key_buckets').where({ merchant_id: merchantId }).orderBy('key_hash');
    assert.equal(rows.length, 3, 'card, IP (with its card) and e-mail');
    const cardRow = rows.find((r: { key_hash: string }) => r.key_hash === keyHashOf('card', card))!;
    assert.deepEqual([cardRow.attempts, cardRow.pending, cardRow.declined, cardRow.small, Number(cardRow.amount)], [1, 0, 1, 1, 300]);
    const ipRow = rows.find((r: { key_hash: string }) => r.key_hash === keyHashOf('ip', '203.0.113.40'))!;
    assert.equal(ipRow.card_fingerprint, card);
    assert.equal(Number(ipRow.bucket_start) % MINUTE, 0);

    // The answer applied again (a reconciler pass after the request path) changes nothing.
    const payment = await t.gateway.container.resolve(PaymentService).retrieve({ merchantId, livemode: false }, declined.id);
    await t.gateway.container.resolve(RiskAssessmentRepository).settlePending(t.gateway.db, payment, payment.id, 'declined', clock.now());
    const again = (await t.gateway
      .db('risk_key_buckets')
      .where({ merchant_id: merchantId, key_hash: keyHashOf('card', card) })
      .first())!;
    assert.deepEqual([again.pending, again.declined], [0, 1]);
  });

  it('history written before the buckets existed counts once migration 042 has backfilled it', async () => {
    const { shop, merchantId } = await newShop();
    assert.equal((await payAs(shop, CARDS.doNotHonor, {})).failure_code, 'do_not_honor');
    const card = String((await t.gateway.db('risk_assessments').where({ merchant_id: merchantId }).first())!.card_fingerprint);
    // Four older declines of the card in the hour, as a database from before 042 holds them (no buckets).
    await t.gateway.db('risk_assessments').insert([1, 2, 3, 4].map((n) => historyRow(merchantId, n, card, 'declined', clock.now() - n * 10 * MINUTE)));
    assert.equal((await payAs(shop, CARDS.doNotHonor, {})).failure_code, 'do_not_honor', 'without their buckets the rows are not counted');
    await rebuildBuckets();
    const blocked = await payAs(shop, CARDS.doNotHonor, {});
    assert.equal(blocked.failure_code, 'fraud_suspected');
    // Six declines in the window; counts stop at the rule's threshold, as they always did.
    assert.match(blocked.risk.reasons[0]?.reason ?? '', /declined 5 times/);
  });

  it('a check reads the same statements with no history and with thousands of attempts of the key, and counts them', async () => {
    const { merchantId } = await newShop();
    const ctx = { merchantId, livemode: false };
    const payment = await t.gateway.container
      .resolve(PaymentService)
      .create(ctx, { amount: 150000, currency: 'RUB', order_id: 'buckets', capture_method: 'automatic' });
    const engine = t.gateway.container.resolve(RiskEngine);
    const hot = 'a'.repeat(64);
    const cold = 'b'.repeat(64);
    const cardOf = (fingerprint: string) => ({ fingerprint, brand: 'visa', bin: '400000', last4: '0002', expMonth: 12, expYear: 2031 });
    // 3000 attempts of one card, IP and e-mail over the last 50 minutes: 2 declined, 3 still at the bank.
    const rows = [];
    for (let n = 0; n < 3000; n++)
      rows.push(historyRow(merchantId, 100 + n, hot, n < 2 ? 'declined' : n < 5 ? 'pending' : 'approved', clock.now() - 50 * MINUTE + n * 1000));
    for (let i = 0; i < rows.length; i += 400) await t.gateway.db('risk_assessments').insert(rows.slice(i, i + 400));
    await rebuildBuckets();

    const statementsOf = async (fingerprint: string, customer: { ip: string; email: string }) => {
      let statements = 0;
      const count = (): void => {
        statements++;
      };
      t.gateway.db.on('query', count);
      try {
        return { risk: await engine.assess(ctx, payment, cardOf(fingerprint), customer), statements };
      } finally {
        t.gateway.db.off('query', count);
      }
    };
    // The first check also reads the rule sets, which the process then keeps a few seconds (RULE_SET_CACHE_MS).
    await statementsOf(cold, { ip: '192.0.2.200', email: 'new@example.com' });
    const quiet = await statementsOf(cold, { ip: '192.0.2.200', email: 'new@example.com' });
    const busy = await statementsOf(hot, { ip: '198.51.100.77', email: 'history@example.com' });
    assert.equal(busy.statements, quiet.statements);
    assert.deepEqual(quiet.risk.reasons, []);
    const reasons = busy.risk.reasons.map((r) => `${r.rule}: ${r.reason}`).join('\n');
    assert.match(reasons, /declines: this card was declined 2 times in the last 3600s and 3 attempts are awaiting the bank's answer/);
    assert.match(reasons, /velocity: 10 attempts per card .*; 30 attempts per ip .*; 10 attempts per email/);
    assert.equal(busy.risk.action, 'block');
  });
});
