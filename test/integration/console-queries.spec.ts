import assert from 'node:assert/strict';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { AuditLog, operatorAccountActor } from '@tender/core/dist/audit/audit-log';
import { ConnectionHealth } from '@tender/core/dist/routing/connection-health';
import { OnboardingService } from '@tender/core/dist/merchants/onboarding.service';
import { RiskReviewService } from '@tender/core/dist/monitoring/risk-review.service';
import { merchantView } from '@tender/core/dist/merchants/merchant-view';
import { MerchantRepository } from '@tender/core/dist/merchants/merchant.repository';
import { AuditQuery } from '@tender/dashboard/dist/console/audit-query';
import { BankHealthSummary } from '@tender/dashboard/dist/console/bank-health.summary';
import { ReviewQueueQuery } from '@tender/dashboard/dist/console/review-queue.query';
import { MerchantStageCounts, actionsFor } from '@tender/dashboard/dist/console/merchant-board';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { COMPANY, OperatorClient, apply, makeLive } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs, putMerchantRules, putOperatorRules } from '../support/risk-helpers';

/** Amounts above 100000 score 80: a review under the default thresholds. */
const REVIEW_ABOVE_100000 = { rules: { amount: { max_amounts: { RUB: 100000 }, max_score: 80 } } };

describe('console queries: audit pages, bank health, the global review queue, stages', function () {
  let t: TestGateway;
  let clock: FixedClock;
  let op: OperatorClient;

  before(async () => {
    clock = new FixedClock(Date.parse('2026-03-01T10:00:00Z'));
    t = await startTestGateway({ clock, plugins: [sandboxPlugin, standInBankPlugin(new StandInBankAdapter())] });
    op = new OperatorClient(t.gateway.app);
  });
  after(() => t.close());

  it('pages the audit log by keyset in both directions, with filters', async () => {
    const log = t.gateway.container.resolve(AuditLog);
    const query = t.gateway.container.resolve(AuditQuery);
    await t.gateway.db('audit_log').del();
    const write = async (action: string, merchantId: string | undefined, actor = 'operator'): Promise<void> => {
      clock.advance(3600_000);
      await log.record(t.gateway.db, {
        actor,
        action,
        merchantId,
        objectType: merchantId === undefined ? 'bank' : 'merchant',
        objectId: merchantId ?? 'alfa',
        data: {},
      });
    };
    await write('bank.create', undefined); // 11:00
    await write('merchant.approve', 'mer_a'); // 12:00
    await write('merchant.go_live', 'mer_a', operatorAccountActor('opa_1'));
    await write('merchant.suspend', 'mer_b');
    await write('merchants_bogus.x', 'mer_b');
    await write('merchant.resume', 'mer_b', operatorAccountActor('opa_1'));
    await write('bank.update', undefined); // 17:00

    const p1 = await query.page({}, { limit: 3 });
    assert.ok(p1);
    assert.deepEqual(
      p1.entries.map((e) => e.action),
      ['bank.update', 'merchant.resume', 'merchants_bogus.x'],
    );
    assert.equal(p1.newer, undefined);
    const p2 = await query.page({}, { limit: 3, before: p1.older });
    assert.ok(p2);
    assert.deepEqual(
      p2.entries.map((e) => e.action),
      ['merchant.suspend', 'merchant.go_live', 'merchant.approve'],
    );
    const p3 = await query.page({}, { limit: 3, before: p2.older });
    assert.ok(p3);
    assert.deepEqual(
      p3.entries.map((e) => e.action),
      ['bank.create'],
    );
    assert.equal(p3.older, undefined);
    const back = await query.page({}, { limit: 3, after: p3.newer });
    assert.deepEqual(
      back?.entries.map((e) => e.id),
      p2.entries.map((e) => e.id),
    );
    const first = await query.page({}, { limit: 3, after: back?.newer });
    assert.deepEqual(
      first?.entries.map((e) => e.id),
      p1.entries.map((e) => e.id),
    );
    assert.equal(first?.newer, undefined);

    const family = await query.page({ action: 'merchant.' }, { limit: 10 });
    assert.deepEqual(
      family?.entries.map((e) => e.action),
      ['merchant.resume', 'merchant.suspend', 'merchant.go_live', 'merchant.approve'],
    );
    const exact = await query.page({ action: 'merchant.suspend', merchantId: 'mer_b' }, { limit: 10 });
    assert.deepEqual(
      exact?.entries.map((e) => e.action),
      ['merchant.suspend'],
    );
    const byActor = await query.page({ actor: 'operator:opa_1' }, { limit: 10 });
    assert.deepEqual(
      byActor?.entries.map((e) => e.action),
      ['merchant.resume', 'merchant.go_live'],
    );
    const window = await query.page({ from: Date.parse('2026-03-01T12:00:00Z'), to: Date.parse('2026-03-01T14:00:00Z') }, { limit: 10 });
    assert.deepEqual(
      window?.entries.map((e) => e.action),
      ['merchant.go_live', 'merchant.approve'],
    );
    const bank = await query.page({ objectType: 'bank' }, { limit: 1 });
    assert.deepEqual(
      bank?.entries.map((e) => e.action),
      ['bank.update'],
    );
    assert.ok(bank?.older);
    assert.equal(await query.page({}, { limit: 3, before: 'aud_nosuchentry' }), undefined);
  });

  it('summarizes each bank: worst breaker, call-weighted error rate and latency, idle banks at zero', async () => {
    await op.post('/admin/v1/banks', { code: 'alfa', name: 'Alfa', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(201);
    await op.post('/admin/v1/banks', { code: 'beta', name: 'Beta', adapter_code: 'sandbox', currencies: ['RUB'] }).expect(201);
    const one = await makeLive(t.gateway.app, 'Health One', 'alfa', 'T0000001');
    const two = await makeLive(t.gateway.app, 'Health Two', 'alfa', 'T0000002');
    const connectionOf = async (merchantId: string): Promise<string> =>
      String((await t.gateway.db('bank_connections').where({ merchant_id: merchantId }).first())!.id);
    const failing = await connectionOf(one.id);
    const healthy = await connectionOf(two.id);
    const health = t.gateway.container.resolve(ConnectionHealth);
    for (let i = 0; i < 10; i++) health.record(failing, false, 300);
    for (let i = 0; i < 10; i++) health.record(healthy, true, 100);

    const banks = await t.gateway.container.resolve(BankHealthSummary).banks();
    assert.deepEqual(
      banks.map((b) => b.code),
      ['alfa', 'beta'],
    );
    const [alfa, beta] = banks;
    assert.ok(alfa && beta);
    assert.equal(alfa.state, 'open');
    assert.equal(alfa.openBreakers, 1);
    assert.equal(alfa.calls, 20);
    assert.equal(alfa.errorPerMille, 500);
    assert.equal(alfa.averageLatencyMs, 200);
    const byMerchant = new Map(alfa.connections.map((c) => [c.merchantId, [c.state, c.errorPerMille, c.averageLatencyMs]]));
    assert.deepEqual(byMerchant.get(one.id), ['open', 1000, 300]);
    assert.deepEqual(byMerchant.get(two.id), ['closed', 0, 100]);
    assert.deepEqual([beta.state, beta.calls, beta.errorPerMille, beta.averageLatencyMs, beta.connections.length], ['closed', 0, 0, undefined, 0]);
  });

  it('lists open reviews of every merchant, nearest deadline first, and decides one in its own merchant with an audit entry', async () => {
    const early = new MerchantClient(t.gateway.app, (await t.createMerchant('Early')).key);
    const late = new MerchantClient(t.gateway.app, (await t.createMerchant('Late')).key);
    await putMerchantRules(t.gateway.app, early, { ...REVIEW_ABOVE_100000, review: { expire_after_seconds: 600 } }).expect(200);
    await putMerchantRules(t.gateway.app, late, { ...REVIEW_ABOVE_100000, review: { expire_after_seconds: 7200 } }).expect(200);
    const lateFirst = await payAs(late, CARDS.visa, { email: 'late@example.com' }, { amount: 150000 });
    const earlySecond = await payAs(early, CARDS.visa, { email: 'early@example.com' }, { amount: 160000 });
    const queue = t.gateway.container.resolve(ReviewQueueQuery);
    const page1 = await queue.open({ limit: 1 });
    assert.ok(page1?.next);
    assert.deepEqual(
      page1.reviews.map((r) => [r.paymentId, r.merchantName, r.amount, r.currency]),
      [[earlySecond.id, 'Early', 160000, 'RUB']],
    );
    const page2 = await queue.open({ limit: 1, after: page1.next });
    assert.deepEqual(
      page2?.reviews.map((r) => r.paymentId),
      [lateFirst.id],
    );
    assert.equal(page2?.next, undefined);
    assert.equal(await queue.open({ limit: 1, after: 'rrv_nosuchreview' }), undefined);

    const target = page2.reviews[0];
    assert.ok(target);
    const scope = await queue.scopeOf(target.id);
    assert.ok(scope);
    const actor = operatorAccountActor('opa_console');
    const decided = await t.gateway.container.resolve(RiskReviewService).reject(scope, target.id, 'operator', actor);
    assert.equal(decided.review.status, 'rejected');
    assert.equal(decided.review.decidedBy, 'operator');
    assert.equal(decided.payment.status, 'canceled');
    const entry = await t.gateway.db('audit_log').where({ object_type: 'risk_review', object_id: target.id }).first();
    assert.equal(entry!.actor, actor);
    assert.equal(entry!.action, 'risk_review.reject');
    assert.equal(entry!.merchant_id, scope.merchantId);
    assert.deepEqual(
      (await queue.open({ limit: 10 }))?.reviews.map((r) => r.paymentId),
      [earlySecond.id],
    );
    // A merchant's own decision stays out of the operator's audit log.
    const own = (await early.get('/v1/risk/reviews?status=open').expect(200)).body.data[0] as { id: string };
    await early.post(`/v1/risk/reviews/${own.id}/approve`, {}).expect(200);
    assert.equal(await t.gateway.db('audit_log').where({ object_id: own.id }).first(), undefined);
  });

  it('names the operator account in audit entries of onboarding moves, routing and risk rules; the API stays "operator"', async () => {
    const actor = operatorAccountActor('opa_2');
    const m = await apply(t.gateway.app, 'Actor Shop', 'actor@shop.example');
    await request(t.gateway.app).post('/v1/account/registration').set('Authorization', `Bearer ${m.key}`).send(COMPANY).expect(200);
    await t.gateway.container.resolve(OnboardingService).approve(m.id, actor);
    await op.post(`/admin/v1/merchants/${m.id}/suspend`, { reason: 'checks' }).expect(200);
    const entries = await t.gateway.db('audit_log').where({ merchant_id: m.id }).orderBy('seq');
    assert.deepEqual(
      entries.map((e: { action: string; actor: string }) => [e.action, e.actor]),
      [
        ['merchant.approve', actor],
        ['merchant.suspend', 'operator'],
      ],
    );

    await request(t.gateway.app)
      .put('/admin/v1/routing')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ rules: [{ id: 'rub', priority: 1, match: { currencies: ['RUB'] }, targets: [{ bank: 'alfa', weight: 1 }] }] })
      .expect(200);
    await putOperatorRules(t.gateway.app, { dry_run: false }).expect(200);
    const operatorWide = await t.gateway.db('audit_log').whereIn('object_type', ['routing_rules', 'risk_rule_set']).orderBy('seq');
    assert.deepEqual(
      operatorWide.map((e: { action: string; actor: string; object_id: string }) => [e.action, e.actor, e.object_id]),
      [
        ['routing.replace', 'operator', 'operator'],
        ['risk_rules.replace', 'operator', 'operator'],
      ],
    );
    // A refused rule set writes neither a version nor an audit entry.
    await putOperatorRules(t.gateway.app, { thresholds: { challenge: 90, review: 10 } }).expect(400);
    assert.equal(Number((await t.gateway.db('audit_log').where({ object_type: 'risk_rule_set' }).count({ n: '*' }).first())?.n), 1);
  });

  it('counts merchants in every stage and offers only the moves their stage allows', async () => {
    const counts = await t.gateway.container.resolve(MerchantStageCounts).counts();
    assert.deepEqual(
      counts.map((c) => c.stage),
      ['applied', 'registered', 'bank_chosen', 'contract_signed', 'live', 'suspended'],
    );
    const inDb = await t.gateway.db('merchants').select('stage').count({ n: '*' }).groupBy('stage');
    for (const row of inDb as Array<{ stage: string; n: number | string }>) assert.equal(counts.find((c) => c.stage === row.stage)?.count, Number(row.n));
    const repo = t.gateway.container.resolve(MerchantRepository);
    const actionsOf = async (stage: string): Promise<string[]> => {
      const row = await t.gateway.db('merchants').where({ stage }).first();
      const m = await repo.find(t.gateway.db, String(row!.id));
      assert.ok(m);
      return actionsFor(merchantView(m));
    };
    assert.deepEqual(await actionsOf('live'), ['suspend']);
    assert.deepEqual(await actionsOf('suspended'), ['resume']);
    const applicant = await apply(t.gateway.app, 'Applicant', 'applicant@shop.example');
    const fresh = await repo.find(t.gateway.db, applicant.id);
    assert.ok(fresh);
    assert.deepEqual(actionsFor(merchantView(fresh)), ['extend_test_mode', 'suspend']);
  });
});
