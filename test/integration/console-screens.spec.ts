import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { AuditLog, operatorAccountActor } from '@tender/core/dist/audit/audit-log';
import { ConnectionHealth } from '@tender/core/dist/routing/connection-health';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { COMPANY, OperatorClient, apply } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs, putMerchantRules } from '../support/risk-helpers';
import { WebAgent, merchantAgent, operatorAgent } from '../support/web-session';

/** Amounts above 100000 score 80: a review under the default thresholds. */
const REVIEW_ABOVE_100000 = { rules: { amount: { max_amounts: { RUB: 100000 }, max_score: 80 } } };

/** Everything a console action can write, to prove a refused one wrote nothing. */
async function snapshot(t: TestGateway): Promise<string> {
  const counts: Record<string, unknown> = {};
  for (const table of ['merchants', 'bank_connections', 'events', 'audit_log', 'routing_rule_versions', 'risk_rule_sets', 'risk_reviews']) {
    counts[table] = Number((await t.gateway.db(table).count({ n: '*' }).first())?.n);
  }
  const merchants = await t.gateway.db('merchants').select('id', 'stage', 'approved_at', 'test_mode_expires_at').orderBy('id');
  const reviews = await t.gateway.db('risk_reviews').select('id', 'status').orderBy('id');
  return JSON.stringify({ counts, merchants, reviews });
}

/** An attribute value as the browser reads it (Handlebars escapes & and =). */
function unescapeHtml(value: string): string {
  return value.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
}

/** A merchant that registered and chose `bank` itself: the operator's turn. */
async function applicantAtBank(t: TestGateway, name: string, bank: string): Promise<string> {
  const m = await apply(t.gateway.app, name, `${name.toLowerCase().replace(/\W+/g, '-')}@shop.example`);
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${m.key}`);
  await auth(request(t.gateway.app).post('/v1/account/registration')).send(COMPANY).expect(200);
  await auth(request(t.gateway.app).post('/v1/account/bank')).send({ bank }).expect(200);
  return m.id;
}

describe('operator console over HTTP: screens, moves, refusals, roles, CSRF, audit', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let op: WebAgent;
  let actor: string;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, accountsPlugin, standInBankPlugin(new StandInBankAdapter())] });
    await new OperatorClient(t.gateway.app)
      .post('/admin/v1/banks', { code: 'alfa', name: 'Alfa', adapter_code: 'standin-bank', currencies: ['RUB', 'USD'] })
      .expect(201);
    op = await operatorAgent(t);
    actor = operatorAccountActor(op.user.accountId);
  });
  after(() => t?.close());

  const post = (path: string, form: Record<string, string>): request.Test =>
    op.agent
      .post(path)
      .type('form')
      .send({ _csrf: op.csrf, ...form });

  it('shows every screen to an operator', async () => {
    const screens: Array<[string, string]> = [
      ['/console/merchants', 'console-heading'],
      ['/console/banks', 'bank-table'],
      ['/console/routing', 'routing-form'],
      ['/console/risk', 'rules-form'],
      ['/console/audit', 'audit-filters'],
      ['/console/certificates', 'console-heading'],
    ];
    for (const [path, marker] of screens) {
      const res = await op.agent.get(path).expect(200);
      assert.match(res.text, new RegExp(`id="${marker}"`), path);
      assert.match(res.text, /name="_csrf"|<meta name="csrf-token"/, path);
    }
    await op.agent.get('/console/merchants/mer_doesnotexist').expect(404);
  });

  it('moves a merchant from bank chosen to live, each move audited with the operator account', async () => {
    const id = await applicantAtBank(t, 'Console Journey', 'alfa');
    const list = await op.agent.get('/console/merchants?stage=bank_chosen').expect(200);
    assert.match(list.text, new RegExp(`data-merchant="${id}"`));
    assert.match(list.text, new RegExp(`/console/merchants/${id}/approve`));

    assert.equal((await post(`/console/merchants/${id}/approve`, {}).expect(303)).headers.location, `/console/merchants/${id}?done=approve`);
    await post(`/console/merchants/${id}/contract`, { bank_merchant_id: 'BM0042', terminal_ids: 'T0000042, T0000043', currencies: 'rub' }).expect(303);
    // Going live asks first: the first press shows the confirmation and changes nothing.
    const asked = await post(`/console/merchants/${id}/go_live`, {}).expect(200);
    assert.match(asked.text, /id="go-live-confirm"/);
    assert.equal((await t.gateway.db('merchants').where({ id }).first())!.stage, 'contract_signed');
    await post(`/console/merchants/${id}/go_live`, { confirm: 'yes' }).expect(303);
    const page = await op.agent.get(`/console/merchants/${id}?done=go_live`).expect(200);
    assert.match(page.text, /data-stage="live"/);
    assert.match(page.text, /id="console-done"/);
    assert.match(page.text, /T0000043/);

    const entries = await t.gateway.db('audit_log').where({ merchant_id: id }).orderBy('seq');
    assert.deepEqual(
      entries.map((e: { action: string; actor: string }) => [e.action, e.actor]),
      [
        ['merchant.approve', actor],
        ['merchant.record_contract', actor],
        ['merchant.go_live', actor],
      ],
    );
    const connections = await t.gateway.db('bank_connections').where({ merchant_id: id, livemode: true }).orderBy('created_at');
    assert.deepEqual(
      connections.map((c: { terminal_id: string; currencies: string }) => [c.terminal_id, JSON.parse(c.currencies)]),
      [
        ['T0000042', ['RUB']],
        ['T0000043', ['RUB']],
      ],
    );
    const audit = await op.agent.get(`/console/audit?actor=${encodeURIComponent(actor)}&merchant=${id}`).expect(200);
    assert.deepEqual(
      [...audit.text.matchAll(/data-action="([^"]+)"/g)].map((m) => m[1]),
      ['merchant.go_live', 'merchant.record_contract', 'merchant.approve'],
    );
  });

  it('refuses a move the stage machine forbids and a contract with a bad terminal, on the page, writing nothing', async () => {
    const id = await applicantAtBank(t, 'Too Early', 'alfa');
    const before = await snapshot(t);
    const early = await post(`/console/merchants/${id}/go_live`, {}).expect(409);
    assert.match(early.text, /id="console-error"/);
    assert.match(early.text, /Cannot go live: the merchant is in stage bank_chosen/);
    const unapproved = await post(`/console/merchants/${id}/contract`, { bank_merchant_id: 'BM1', terminal_ids: 'T1' }).expect(409);
    assert.match(unapproved.text, /Approve the merchant/);
    await post(`/console/merchants/${id}/approve`, {}).expect(303);
    const afterApprove = await snapshot(t);
    const bad = await post(`/console/merchants/${id}/contract`, { bank_merchant_id: 'BM1', terminal_ids: 'T-1!' }).expect(400);
    assert.match(bad.text, /id="terminal_ids-error">[^<]*must be terminal ids/);
    assert.match(bad.text, /value="T-1!"/, 'what was typed stays in the form');
    const foreign = await post(`/console/merchants/${id}/contract`, { bank_merchant_id: 'BM1', terminal_ids: 'T1', currencies: 'EUR' }).expect(400);
    assert.match(foreign.text, /id="currencies-error">[^<]*does not serve EUR/);
    assert.equal(await snapshot(t), afterApprove);
    assert.notEqual(before, afterApprove);
  });

  it('refuses an invalid routing rule with the error beside its field and saves a valid one as an audited version', async () => {
    const before = await snapshot(t);
    const invalid = await post('/console/routing', {
      rule_count: '1',
      base_version: '0',
      'rule-0-id': 'rub',
      'rule-0-priority': '1',
      'rule-0-currencies': 'RUBLES',
      'rule-0-targets': 'Alfa:1',
    }).expect(422);
    assert.match(invalid.text, /id="rule-0-currencies-error">must be an ISO 4217 code</);
    assert.match(invalid.text, /id="rule-0-targets-error">must be a bank code/);
    assert.match(invalid.text, /name="rule-0-currencies" value="RUBLES"/);
    assert.equal(await snapshot(t), before);

    const saved = await post('/console/routing', {
      rule_count: '2',
      base_version: '0',
      'rule-0-id': 'rub',
      'rule-0-priority': '1',
      'rule-0-currencies': 'RUB',
      'rule-0-targets': 'alfa:3, sandbox:1',
    }).expect(303);
    assert.equal(saved.headers.location, '/console/routing?saved=1');
    const admin = await new OperatorClient(t.gateway.app).get('/admin/v1/routing').expect(200);
    assert.deepEqual(admin.body.rules, [
      {
        id: 'rub',
        priority: 1,
        match: { currencies: ['RUB'] },
        targets: [
          { bank: 'alfa', weight: 3 },
          { bank: 'sandbox', weight: 1 },
        ],
      },
    ]);
    const entry = await t.gateway.db('audit_log').where({ action: 'routing.replace' }).orderBy('seq', 'desc').first();
    assert.equal(entry!.actor, actor);

    // Someone else's version 1 is current; a form opened on version 0 must not overwrite it unseen.
    const beforeStale = await snapshot(t);
    const stale = await post('/console/routing', {
      rule_count: '1',
      base_version: '0',
      'rule-0-id': 'usd',
      'rule-0-priority': '2',
      'rule-0-targets': 'alfa',
    }).expect(409);
    assert.match(stale.text, /name="base_version" value="1"/);
    assert.equal(await snapshot(t), beforeStale);
  });

  it('decides a review from the global queue and refuses a bad operator rule set beside its field', async () => {
    const shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Review Shop')).key);
    await putMerchantRules(t.gateway.app, shop, REVIEW_ABOVE_100000).expect(200);
    const held = await payAs(shop, CARDS.visa, { email: 'big@example.com' }, { amount: 150000 });
    const page = await op.agent.get('/console/risk').expect(200);
    const reviewId = new RegExp(`data-review="(rrv_[0-9A-Za-z]+)" data-payment="${held.id}"`).exec(page.text)?.[1];
    assert.ok(reviewId, 'the review is in the global queue');
    assert.match(page.text, /1,500\.00/, 'the amount in the locale of the operator (en)');

    assert.match(page.text, /id="review-deadline-note"/, 'the queue says undecided reviews are decided at their deadline');
    // One click decides nothing: the decision needs its confirmation page's field.
    const unconfirmed = await post(`/console/risk/reviews/${reviewId}/approve`, {}).expect(400);
    assert.match(unconfirmed.text, /Confirm the decision on its confirmation page/);
    assert.equal((await shop.get(`/v1/payments/${held.id}`).expect(200)).body.status, 'authorized');
    const confirmPage = await post(`/console/risk/reviews/${reviewId}/approve/review`, {}).expect(200);
    assert.match(confirmPage.text, /id="review-consequence"/);
    assert.match(confirmPage.text, /name="confirm" value="yes"/);
    assert.equal((await shop.get(`/v1/payments/${held.id}`).expect(200)).body.status, 'authorized', 'the confirmation page changes nothing');
    const decided = await post(`/console/risk/reviews/${reviewId}/approve`, { confirm: 'yes' }).expect(303);
    assert.equal(decided.headers.location, `/console/risk?done=approve&review=${reviewId}&payment_status=captured`);
    assert.match(
      (await op.agent.get(decided.headers.location).expect(200)).text,
      new RegExp(`id="console-done">[^<]*Review ${reviewId}: approved; the payment is now captured`),
    );
    assert.equal((await shop.get(`/v1/payments/${held.id}`).expect(200)).body.status, 'captured');
    const review = (await shop.get(`/v1/risk/reviews/${reviewId}`).expect(200)).body;
    assert.equal(review.decided_by, 'operator');
    const entry = await t.gateway.db('audit_log').where({ object_id: reviewId }).first();
    assert.deepEqual([entry!.action, entry!.actor], ['risk_review.approve', actor]);
    const again = await post(`/console/risk/reviews/${reviewId}/reject`, { confirm: 'yes' }).expect(409);
    assert.match(again.text, /already approved/);

    const before = await snapshot(t);
    const bad = await post('/console/risk/rules', { 'thresholds.challenge': '90', 'thresholds.review': '10' }).expect(400);
    assert.match(bad.text, /id="rules-refused">[^<]*Thresholds must satisfy challenge &lt;&#x3D; review/);
    assert.match(bad.text, /name="thresholds.challenge" value="90"/, 'what was typed stays in the form');
    const notJson = await post('/console/risk/rules', { 'rules.velocity.limits': '[{"key": tru' }).expect(400);
    assert.match(notJson.text, /id="rf-rules.velocity.limits-error">must be JSON/);
    assert.equal(await snapshot(t), before);
    await post('/console/risk/rules', { dry_run: 'false' }).expect(303);
    assert.equal((await t.gateway.db('audit_log').where({ action: 'risk_rules.replace' }).orderBy('seq', 'desc').first())!.actor, actor);
  });

  it('refuses a POST without the CSRF token and changes nothing', async () => {
    const id = await applicantAtBank(t, 'Csrf Target', 'alfa');
    const before = await snapshot(t);
    const noToken = await op.agent.post(`/console/merchants/${id}/approve`).type('form').send({});
    assert.equal(noToken.status, 403);
    const wrongToken = await op.agent
      .post('/console/routing')
      .type('form')
      .send({ _csrf: 'forged', rule_count: '1', base_version: '1', 'rule-0-id': 'x', 'rule-0-priority': '1', 'rule-0-targets': 'alfa' });
    assert.equal(wrongToken.status, 403);
    assert.equal(await snapshot(t), before);
  });

  it('keeps merchant users out of every console screen, on the server', async () => {
    const merchant = await merchantAgent(t, { role: 'owner' });
    const id = await applicantAtBank(t, 'Not Yours', 'alfa');
    const before = await snapshot(t);
    for (const path of [
      '/console/merchants',
      `/console/merchants/${id}`,
      '/console/banks',
      '/console/routing',
      '/console/risk',
      '/console/audit',
      '/console/certificates',
    ]) {
      const res = await merchant.agent.get(path);
      assert.notEqual(res.status, 200, path);
      assert.doesNotMatch(res.text, /id="merchant-table"|id="bank-table"|id="routing-form"|id="audit-filters"/, path);
    }
    const res = await merchant.agent.post(`/console/merchants/${id}/approve`).type('form').send({ _csrf: merchant.csrf });
    assert.notEqual(res.status, 303);
    await request(t.gateway.app)
      .get('/console/merchants')
      .expect((r) => assert.notEqual(r.status, 200));
    assert.equal(await snapshot(t), before);
  });

  it('pages the audit log 50 at a time in both directions and validates filters', async () => {
    const log = t.gateway.container.resolve(AuditLog);
    for (let i = 0; i < 60; i++)
      await log.record(t.gateway.db, {
        actor: 'operator:opa_pager',
        action: 'bank.update',
        merchantId: undefined,
        objectType: 'bank',
        objectId: `b${i}`,
        data: { i },
      });
    const first = await op.agent.get('/console/audit?actor=operator:opa_pager').expect(200);
    assert.equal([...first.text.matchAll(/data-entry="/g)].length, 50);
    assert.match(first.text, /<code>b59<\/code>/);
    assert.doesNotMatch(first.text, /id="audit-newer"/);
    const older = /href="([^"]+)" rel="next" id="audit-older"/.exec(first.text)?.[1];
    assert.ok(older);
    const second = await op.agent.get(`/console/audit${unescapeHtml(older)}`).expect(200);
    assert.equal([...second.text.matchAll(/data-entry="/g)].length, 10);
    assert.match(second.text, /<code>b0<\/code>/);
    assert.match(second.text, /id="audit-newer"/);
    assert.doesNotMatch(second.text, /id="audit-older"/);
    // People, not ids: the signed-in operator by e-mail (also as a filter), the admin token by its label.
    await log.record(t.gateway.db, { actor, action: 'bank.update', merchantId: undefined, objectType: 'bank', objectId: 'by-account', data: {} });
    await log.record(t.gateway.db, { actor: 'operator', action: 'bank.update', merchantId: undefined, objectType: 'bank', objectId: 'by-token', data: {} });
    const byEmail = await op.agent.get(`/console/audit?actor=${encodeURIComponent(op.user.email)}`).expect(200);
    assert.match(byEmail.text, new RegExp(`data-kind="account"><bdi>${op.user.email.replace(/[.+]/g, '\\$&')}</bdi>`));
    assert.match(byEmail.text, /<code>by-account<\/code>/);
    assert.doesNotMatch(byEmail.text, /<code>by-token<\/code>/);
    const byToken = await op.agent.get('/console/audit?actor=operator').expect(200);
    assert.match(byToken.text, /data-kind="token">Operator API \(shared admin token\)/);
    assert.equal([...(await op.agent.get('/console/audit?actor=nobody%40example.com').expect(200)).text.matchAll(/data-entry="/g)].length, 0);
    const bad = await op.agent.get('/console/audit?merchant=nope&from=2026-13-45').expect(400);
    assert.match(bad.text, /id="f-merchant-error">must be a merchant id/);
    assert.match(bad.text, /id="f-from-error">must be a date/);
  });

  it('shows bank health and the certificate inventory', async () => {
    const connection = await t.gateway.db('bank_connections').where({ bank_code: 'alfa' }).first();
    const health = t.gateway.container.resolve(ConnectionHealth);
    for (let i = 0; i < 10; i++) health.record(String(connection!.id), false, 250);
    const banks = await op.agent.get('/console/banks').expect(200);
    assert.match(banks.text, /data-bank="alfa" class="console-row-alarm"/);
    assert.match(banks.text, /data-breaker="open"/);

    const admin = new OperatorClient(t.gateway.app);
    await admin.post('/admin/v1/ca', { common_name: 'Console Test CA' }).expect(201);
    const payer = (await admin.post('/admin/v1/payers', { name: 'Anna', account: { number: '40817810000000000001', bank: 'sandbox' } }).expect(201)).body;
    const accountId = payer.accounts?.[0]?.id ?? payer.account?.id;
    assert.ok(accountId, JSON.stringify(payer));
    const issued = (
      await admin.post('/admin/v1/certificates', { payer_id: payer.id, account_id: accountId, password: 'correct horse 42', validity_days: 10 }).expect(201)
    ).body;
    const page = await op.agent.get(`/console/certificates?payer=${payer.id}`).expect(200);
    assert.match(page.text, /Console Test CA/);
    assert.match(page.text, new RegExp(`data-serial="${issued.serial}"`));
    assert.match(page.text, /console-cert-soon/, 'a certificate valid for 10 days is marked as expiring soon');
    await op.agent.get('/console/certificates?payer=bad').expect(400);
  });
});
