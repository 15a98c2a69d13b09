import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { putMerchantRules, serialCard } from '../support/risk-helpers';
import { testDatabaseUrl } from '../support/test-database';

const N = 12;

/**
 * Simultaneous confirms against thresholds. Only MariaDB runs them at the same time:
 * SQLite has one connection and one writer, so its confirms are serialized anyway
 * and there is no race to test (the rules themselves are tested on both dialects).
 */
describe('transaction monitoring: thresholds hold under simultaneous confirms (MariaDB)', function () {
  this.timeout(60_000);
  let t: TestGateway;

  before(async function () {
    if (!testDatabaseUrl()?.startsWith('mysql')) {
      this.skip(); // SQLite serializes every transaction; nothing here can race.
    }
    t = await startTestGateway();
  });
  after(async () => {
    await t?.close();
  });

  async function shopWith(rules: unknown): Promise<MerchantClient> {
    const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    await putMerchantRules(t.gateway.app, shop, rules).expect(200);
    return shop;
  }

  /** Creates N payments, then confirms them all at once; returns each outcome and how many reached the bank. */
  async function fireAtOnce(
    shop: MerchantClient,
    numberOf: (i: number) => string,
    customerOf: (i: number) => Record<string, string>,
  ): Promise<{ outcomes: string[]; reachedBank: number }> {
    const payments = await Promise.all(Array.from({ length: N }, () => shop.createPayment()));
    const answers = await Promise.all(
      payments.map((p, i) =>
        shop
          .post(`/v1/payments/${p.id}/confirm`, {
            payment_method: { type: 'card', card: { number: numberOf(i), exp_month: 12, exp_year: 2031, cvc: '123' } },
            customer: customerOf(i),
          })
          .expect(200),
      ),
    );
    const ops = await t.gateway
      .db('bank_operations')
      .whereIn(
        'payment_id',
        payments.map((p) => p.id),
      )
      .count({ n: '*' })
      .first();
    return { outcomes: answers.map((a) => String(a.body.failure_code ?? a.body.status)), reachedBank: Number(ops?.n) };
  }

  it('velocity per card: of 12 simultaneous confirms with one card and a limit of 3, exactly 3 reach the bank', async () => {
    const shop = await shopWith({ rules: { velocity: { limits: [{ key: 'card', window_seconds: 3600, max_attempts: 3, score: 100 }] } } });
    const { outcomes, reachedBank } = await fireAtOnce(
      shop,
      () => CARDS.visa,
      () => ({}),
    );
    assert.equal(reachedBank, 3);
    assert.equal(outcomes.filter((o) => o === 'captured').length, 3);
    assert.equal(outcomes.filter((o) => o === 'fraud_suspected').length, N - 3);
  });

  it('repeated declines: of 12 simultaneous confirms with a declining card and a limit of 3 declines, at most 3 reach the bank', async () => {
    const shop = await shopWith({ rules: { declines: { max_declines: 3 }, velocity: { enabled: false } } });
    const { outcomes, reachedBank } = await fireAtOnce(
      shop,
      () => CARDS.doNotHonor,
      () => ({}),
    );
    assert.ok(reachedBank <= 3, `${reachedBank} reached the bank`);
    assert.equal(outcomes.filter((o) => o === 'do_not_honor').length, reachedBank);
    assert.equal(outcomes.filter((o) => o === 'fraud_suspected').length, N - reachedBank);
  });

  it('card testing from one IP: of 12 different cards sent at once, only the first 3 reach the bank', async () => {
    const shop = await shopWith({ rules: { card_testing: { max_distinct_cards: 3 }, velocity: { enabled: false } } });
    const { outcomes, reachedBank } = await fireAtOnce(
      shop,
      (i) => serialCard(500 + i),
      () => ({ ip: '198.51.100.77' }),
    );
    assert.equal(reachedBank, 3);
    assert.equal(outcomes.filter((o) => o === 'fraud_suspected').length, N - 3);
  });

  it('confirms that share no card, IP or e-mail do not hold each other up: all pass', async () => {
    const shop = await shopWith({
      rules: { card_testing: { max_distinct_cards: 1 }, velocity: { limits: [{ key: 'card', window_seconds: 3600, max_attempts: 1, score: 100 }] } },
    });
    const cards = [CARDS.visa, CARDS.mastercard, CARDS.mir];
    const payments = await Promise.all(cards.map(() => shop.createPayment()));
    const answers = await Promise.all(
      payments.map((p, i) =>
        shop
          .post(`/v1/payments/${p.id}/confirm`, {
            payment_method: { type: 'card', card: { number: cards[i], exp_month: 12, exp_year: 2031, cvc: '123' } },
            customer: { ip: `192.0.2.${i + 1}`, email: `b${i}@example.com` },
          })
          .expect(200),
      ),
    );
    assert.deepEqual(
      answers.map((a) => a.body.status),
      ['captured', 'captured', 'captured'],
    );
  });
});
