import assert from 'node:assert/strict';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { RiskReviewService } from '@tender/core/dist/monitoring/risk-review.service';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs, putMerchantRules } from '../support/risk-helpers';

/** Amounts above 100000 score 80: a review under the default thresholds (review 75, block 100). */
const REVIEW_ABOVE_100000 = { rules: { amount: { max_amounts: { RUB: 100000 }, max_score: 80 } } };

describe('transaction monitoring: the review queue', function () {
  let t: TestGateway;
  let clock: FixedClock;
  let shop: MerchantClient;

  before(async () => {
    clock = new FixedClock(Date.parse('2026-03-01T10:00:00Z'));
    t = await startTestGateway({ clock });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    await putMerchantRules(t.gateway.app, shop, { ...REVIEW_ABOVE_100000, review: { expire_after_seconds: 7200, expire_decision: 'reject' } }).expect(200);
  });
  after(() => t.close());

  async function reviewOf(paymentId: string): Promise<Record<string, unknown> & { id: string; status: string }> {
    const list = (await shop.get('/v1/risk/reviews?status=open&limit=100').expect(200)).body.data as Array<{ id: string; payment: string; status: string }>;
    const review = list.find((r) => r.payment === paymentId);
    assert.ok(review, 'no open review for the payment');
    return review;
  }

  it('authorizes a reviewed payment but holds its capture; approving captures it', async () => {
    const p = await payAs(shop, CARDS.visa, { ip: '192.0.2.1', email: 'big@example.com' }, { amount: 150000 });
    assert.equal(p.status, 'authorized', 'automatic capture is held while in review');
    assert.equal(p.risk.decision, 'review');
    assert.equal(p.risk.score, 80);
    const review = await reviewOf(p.id);
    assert.equal(review.score, 80);
    assert.equal(review.email, 'big@example.com');
    assert.match(String(review.card_fingerprint), /^[0-9a-f]{64}$/);
    const capture = await shop.post(`/v1/payments/${p.id}/capture`, {}).expect(409);
    assert.equal(capture.body.error.code, 'risk_review_pending');
    const events = await t.gateway.db('events').where({ object_id: p.id }).orderBy('seq');
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['payment.created', 'payment.processing', 'risk.review_opened', 'payment.authorized'],
    );

    const approved = (await shop.post(`/v1/risk/reviews/${review.id}/approve`, {}).expect(200)).body;
    assert.equal(approved.status, 'approved');
    assert.equal(approved.decided_by, 'merchant');
    assert.equal(approved.payment_status, 'captured');
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.amount_captured, 150000);
    const again = await shop.post(`/v1/risk/reviews/${review.id}/approve`, {}).expect(409);
    assert.equal(again.body.error.code, 'risk_review_closed');
  });

  it('approving a manual-capture payment releases the hold and leaves the capture to the shop', async () => {
    const p = await payAs(shop, CARDS.visa, {}, { amount: 150000, capture_method: 'manual' });
    const review = await reviewOf(p.id);
    assert.equal((await shop.post(`/v1/risk/reviews/${review.id}/approve`, {}).expect(200)).body.payment_status, 'authorized');
    assert.equal((await shop.post(`/v1/payments/${p.id}/capture`, {}).expect(200)).body.status, 'captured');
  });

  it('rejecting voids the authorization', async () => {
    const p = await payAs(shop, CARDS.mastercard, {}, { amount: 200000 });
    const review = await reviewOf(p.id);
    const rejected = (await shop.post(`/v1/risk/reviews/${review.id}/reject`, {}).expect(200)).body;
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.payment_status, 'canceled');
    const ops = await t.gateway.db('bank_operations').where({ payment_id: p.id }).orderBy('seq');
    assert.deepEqual(
      ops.map((o: { kind: string; status: string }) => [o.kind, o.status]),
      [
        ['authorize', 'succeeded'],
        ['void', 'succeeded'],
      ],
    );
  });

  it('a review nobody decides expires to its default when the clock passes its deadline', async () => {
    const p = await payAs(shop, CARDS.visa, {}, { amount: 120000 });
    const review = await reviewOf(p.id);
    const expirer = t.gateway.container.resolve(RiskReviewService);
    clock.advance(7199_000);
    assert.equal(await expirer.expireDue(), 0, 'not yet due');
    clock.advance(1000);
    assert.equal(await expirer.expireDue(), 1);
    const decided = (await shop.get(`/v1/risk/reviews/${review.id}`).expect(200)).body;
    assert.equal(decided.status, 'rejected');
    assert.equal(decided.decided_by, 'expiry');
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'canceled');
  });

  it('expiry can default to approve (merchant setting), which captures', async () => {
    const other = new MerchantClient(t.gateway.app, (await t.createMerchant('Approving Shop')).key);
    await putMerchantRules(t.gateway.app, other, { ...REVIEW_ABOVE_100000, review: { expire_after_seconds: 600, expire_decision: 'approve' } }).expect(200);
    const p = await payAs(other, CARDS.visa, {}, { amount: 120000 });
    clock.advance(600_000);
    await t.gateway.container.resolve(RiskReviewService).expireDue();
    assert.equal((await other.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'captured');
  });

  it('a review whose authorization was declined is canceled, not left open', async () => {
    const p = await payAs(shop, CARDS.doNotHonor, {}, { amount: 150000 });
    assert.equal(p.status, 'declined');
    const reviews = await t.gateway.db('risk_reviews').where({ payment_id: p.id });
    assert.equal(reviews[0].status, 'canceled');
  });

  it('another merchant cannot see or decide the review (404), and bad ids or bodies are 400s', async () => {
    const p = await payAs(shop, CARDS.visa, {}, { amount: 150000 });
    const review = await reviewOf(p.id);
    const stranger = new MerchantClient(t.gateway.app, (await t.createMerchant('Stranger')).key);
    assert.equal((await stranger.get(`/v1/risk/reviews/${review.id}`).expect(404)).body.error.code, 'resource_not_found');
    await stranger.post(`/v1/risk/reviews/${review.id}/approve`, {}).expect(404);
    assert.deepEqual((await stranger.get('/v1/risk/reviews').expect(200)).body.data, []);
    assert.equal((await shop.post(`/v1/risk/reviews/${review.id}/approve`, { note: 'x' }).expect(400)).body.error.code, 'parameter_unknown');
    assert.equal((await shop.get('/v1/risk/reviews?status=maybe').expect(400)).body.error.param, 'status');
    assert.equal((await shop.get(`/v1/risk/reviews/${review.id}`).expect(200)).body.status, 'open', 'failed requests changed nothing');
  });
});

describe('transaction monitoring: rule sets through the API', function () {
  let t: TestGateway;
  const admin = (): request.SuperTest => request(t.gateway.app) as unknown as request.SuperTest;
  const ADMIN = 'Bearer adm_test_0123456789abcdefghijklmnop';

  before(async () => {
    t = await startTestGateway();
  });
  after(() => t.close());

  it('shows the defaults of a fresh install as version 0', async () => {
    const body = (await admin().get('/admin/v1/risk/rules').set('Authorization', ADMIN).expect(200)).body;
    assert.equal(body.version, 0);
    assert.deepEqual(body.effective.thresholds, { challenge: 50, review: 75, block: 100 });
    assert.deepEqual(body.effective.rules.declines, {
      enabled: true,
      mode: 'enforce',
      max_declines: 5,
      window_seconds: 3600,
      score: 100,
      count_in_flight: true,
    });
    assert.equal(body.effective.rules.bin_country.enabled, true);
    assert.deepEqual(body.effective.alerts, {
      email_merchant: true,
      email_operator: true,
      locale: null,
      patterns: {
        card_testing: { enabled: true, window_seconds: 3600 },
        declines: { enabled: true, window_seconds: 3600 },
        blocks: { enabled: true, threshold: 10, window_seconds: 3600 },
      },
    });
  });

  it('validates a rule set and writes nothing when it is invalid', async () => {
    const put = (b: unknown) =>
      admin()
        .put('/admin/v1/risk/rules')
        .set('Authorization', ADMIN)
        .send(b as object);
    assert.equal((await put({ rules: { nope: {} } }).expect(400)).body.error.param, 'rules.nope');
    assert.equal((await put({ rules: { declines: { max_declines: 0 } } }).expect(400)).body.error.param, 'rules.declines.max_declines');
    assert.equal((await put({ rules: { lists: { block: { ips: ['10.0.0.0/33'] } } } }).expect(400)).body.error.param, 'rules.lists.block.ips.0');
    assert.equal((await put({ rules: { velocity: { mode: 'maybe' } } }).expect(400)).body.error.param, 'rules.velocity.mode');
    assert.equal((await put({ thresholds: { review: 10 } }).expect(400)).body.error.param, 'thresholds');
    assert.equal((await put({ surprise: true }).expect(400)).body.error.code, 'parameter_unknown');
    assert.equal((await admin().get('/admin/v1/risk/rules').set('Authorization', ADMIN).expect(200)).body.version, 0);
    assert.equal((await t.gateway.db('risk_rule_sets').count({ n: '*' }).first())?.n, 0);
    await admin().put('/admin/v1/risk/rules').send({}).expect(401);
  });

  it('versions every change; operator settings apply to every merchant and a merchant overrides its own', async () => {
    const v1 = (
      await admin()
        .put('/admin/v1/risk/rules')
        .set('Authorization', ADMIN)
        .send({ rules: { declines: { max_declines: 3 } } })
        .expect(200)
    ).body;
    assert.equal(v1.version, 1);
    const v2 = (
      await admin()
        .put('/admin/v1/risk/rules')
        .set('Authorization', ADMIN)
        .send({ rules: { declines: { max_declines: 4 }, lists: { block: { emails: ['op@example.com'] } } } })
        .expect(200)
    ).body;
    assert.equal(v2.version, 2);
    const versions = (await admin().get('/admin/v1/risk/rules/versions').set('Authorization', ADMIN).expect(200)).body.data;
    assert.deepEqual(
      versions.map((v: { version: number }) => v.version),
      [2, 1],
    );

    const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    const mine = (await shop.get('/v1/risk/rules').expect(200)).body;
    assert.equal(mine.version, 0);
    assert.equal(mine.effective.rules.declines.max_declines, 4, 'the operator set applies');
    const set = (
      await putMerchantRules(t.gateway.app, shop, { rules: { declines: { window_seconds: 600 }, lists: { block: { emails: ['me@example.com'] } } } }).expect(
        200,
      )
    ).body;
    assert.equal(set.version, 1);
    assert.equal(set.effective.rules.declines.max_declines, 4);
    assert.equal(set.effective.rules.declines.window_seconds, 600);
    assert.deepEqual(set.effective.rules.lists.block.emails, ['op@example.com', 'me@example.com'], 'lists are joined');
    const other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other')).key);
    assert.equal((await other.get('/v1/risk/rules').expect(200)).body.effective.rules.declines.window_seconds, 3600, "one merchant's set is its own");

    // A merchant can turn a rule off for itself.
    const off = (await putMerchantRules(t.gateway.app, shop, { rules: { declines: { enabled: false } } }).expect(200)).body;
    assert.deepEqual(off.effective.rules.declines, { enabled: false });
    assert.equal(off.version, 2);
  });
});
