import assert from 'node:assert/strict';
import { FixedClock } from '@tender/core';
import { settingsFromForm } from '@tender/dashboard/dist/risk-rules-form';
import { PaymentTimelineAssembler } from '@tender/dashboard/dist/dashboard/payment-timeline';
import { RiskReviewService } from '@tender/core/dist/monitoring/risk-review.service';
import { PaymentRepository } from '@tender/core/dist/payments/payment.repository';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs } from '../support/risk-helpers';
import { WebAgent, createMerchantUser, signInAgent } from '../support/web-session';

const RULES = [
  { code: 'amount', defaults: { max_amounts: {}, max_score: 100 } },
  { code: 'velocity', defaults: { limits: [] } },
  { code: 'card_testing', defaults: { small_amount: 500 } },
];

/**
 * The risk-rules form over HTTP (the dashboard's; the console shares its code): a
 * field per setting, amounts in major units converted exactly, bad input refused
 * beside its field with nothing saved, a dry run over recent payments that saves
 * nothing; and the payment timeline placing a review's decision when it was made.
 */
describe('risk rules form, dry run, and the review decision on the timeline', function () {
  let t: TestGateway;
  let clock: FixedClock;
  let shop: MerchantClient;
  let merchantId: string;
  let owner: WebAgent;

  before(async () => {
    clock = new FixedClock(Date.parse('2026-03-01T10:00:00Z'));
    t = await startTestGateway({ clock });
    const m = await t.createMerchant('Rules Shop');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
    owner = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId, role: 'owner' }));
  });
  after(() => t.close());

  const versions = async (): Promise<number> => (await t.gateway.db('risk_rule_sets').where({ merchant_id: merchantId })).length;
  const submit = (fields: Record<string, string>) =>
    owner.agent
      .post('/dashboard/risk/rules')
      .type('form')
      .send({ _csrf: owner.csrf, ...fields });

  it('reads fields into a rule set: major units to minor units exactly, blanks left out', () => {
    const parsed = settingsFromForm(
      {
        'rules.amount.max_amounts': 'RUB 15000.00\nJPY 1500\nkwd 1.005',
        'thresholds.review': '60',
        'review.expire_after_hours': '1.5',
        'rules.amount.enabled': 'true',
        'rules.velocity.limits': '',
        dry_run: '',
      },
      RULES,
    );
    assert.ok('body' in parsed);
    assert.deepEqual(parsed.body, {
      thresholds: { review: 60 },
      review: { expire_after_seconds: 5400 },
      rules: { amount: { enabled: true, max_amounts: { RUB: 1500000, JPY: 1500, KWD: 1005 } } },
    });
    // 0.29 RUB would be 28.999... through a float; the digits give 29 kopecks.
    const exact = settingsFromForm({ 'rules.amount.max_amounts': 'RUB 0.29' }, RULES);
    assert.ok('body' in exact);
    assert.deepEqual(exact.body, { rules: { amount: { max_amounts: { RUB: 29 } } } });
    const bad = settingsFromForm(
      { 'rules.amount.max_amounts': 'RUB 1.005', 'thresholds.block': '1e3', 'rules.velocity.limits': '[{', 'review.expire_after_hours': '-1' },
      RULES,
    );
    assert.ok('errors' in bad);
    assert.deepEqual(Object.keys(bad.errors).sort(), ['review.expire_after_hours', 'rules.amount.max_amounts', 'rules.velocity.limits', 'thresholds.block']);
  });

  it('refuses bad input beside its field and saves nothing; hostile text comes back escaped', async () => {
    const before = await versions();
    const refused = await submit({ 'rules.amount.max_amounts': 'XXX 10', 'rules.amount.max_score': '<script>alert(1)</script>' }).expect(400);
    assert.match(refused.text, /id="rf-rules.amount.max_amounts-error">&quot;XXX 10&quot;: write a currency and an amount/);
    assert.match(refused.text, /id="rf-rules.amount.max_score-error">must be a whole number/);
    assert.ok(!refused.text.includes('<script>alert(1)</script>'));
    // Past the form, the rule set's own validation: a threshold out of range names its field.
    const outOfRange = await submit({ 'thresholds.review': '20000' }).expect(400);
    assert.match(outOfRange.text, /id="rf-thresholds.review-error">[^<]+/);
    const unknown = await submit({ 'rules.velocity.limits': '[{"key":"moon","window_seconds":60,"max_attempts":1,"score":1}]' }).expect(400);
    assert.match(unknown.text, /id="rf-rules.velocity.limits-error">[^<]+/);
    assert.equal(await versions(), before, 'nothing saved');
  });

  it('previews the proposed rules on the last payments without saving, then saves them', async () => {
    for (const amount of [50000, 150000, 2000000]) await payAs(shop, CARDS.visa, {}, { amount });
    const before = await versions();
    const preview = await submit({ intent: 'preview', preview_limit: '10', 'rules.amount.max_amounts': 'RUB 1000.00', 'rules.amount.max_score': '80' }).expect(
      200,
    );
    assert.match(
      preview.text,
      /id="rules-preview-summary">Of the last 3 payments, these rules would flag 0 for 3-D Secure, hold 2 for review and decline 0; 2 would end differently/,
    );
    assert.match(preview.text, /data-changed="yes"[^>]*>[\s\S]*?above the limit RUB\s1,000\.00/);
    assert.match(preview.text, /name="rules.amount.max_amounts"[^>]*>RUB 1000.00</, 'the form keeps what was typed');
    assert.equal(await versions(), before, 'a preview saves nothing');
    await submit({ 'rules.amount.max_amounts': 'RUB 1000.00', 'rules.amount.max_score': '80' }).expect(303);
    const saved = (await shop.get('/v1/risk/rules').expect(200)).body;
    assert.deepEqual(saved.settings.rules.amount, { max_amounts: { RUB: 100000 }, max_score: 80 });
    const page = await owner.agent.get('/dashboard/risk?saved=rules').expect(200);
    assert.match(page.text, /id="rules-saved"/);
    assert.match(page.text, /name="rules.amount.max_amounts"[^>]*>RUB 1000.00</, 'the saved amounts shown in major units');
  });

  it('puts a review decision on the timeline at the time it was decided', async () => {
    const held = await payAs(shop, CARDS.visa, {}, { amount: 150000 });
    assert.equal(held.status, 'authorized');
    const review = await t.gateway.db('risk_reviews').where({ payment_id: held.id }).first();
    clock.advance(3 * 3600_000);
    const decidedAt = clock.now();
    const ctx = { merchantId, livemode: false };
    await t.gateway.container.resolve(RiskReviewService).approve(ctx, String(review!.id));
    const payment = await t.gateway.container.resolve(PaymentRepository).find(t.gateway.db, ctx, held.id);
    assert.ok(payment);
    const timeline = await t.gateway.container.resolve(PaymentTimelineAssembler).assemble(ctx, payment);
    const entries = timeline.entries.filter((e) => e.kind === 'review');
    assert.deepEqual(
      entries.map((e) => [e.title, e.at]),
      [
        ['review: opened', Number(review!.created_at)],
        ['review: approved', decidedAt],
      ],
    );
  });
});
