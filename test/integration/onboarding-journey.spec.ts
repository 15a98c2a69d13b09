import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { COMPANY, OperatorClient, apply } from '../support/operator-client';
import { SmtpCapture } from '../support/smtp-capture';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';

describe('onboarding: from application to the first live payment', function () {
  const smtp = new SmtpCapture();
  const bank = new StandInBankAdapter();
  let t: TestGateway;
  let op: OperatorClient;

  before(async () => {
    const url = await smtp.start();
    t = await startTestGateway({
      plugins: [sandboxPlugin, standInBankPlugin(bank)],
      env: { TENDER_SMTP_URL: url, TENDER_MAIL_FROM: 'Tender <onboarding@pay.tender.test>', TENDER_NOTIFY_POLL_MS: '20' },
    });
    // Onboarding e-mails go through the e-mail outbox: its dispatcher sends them.
    t.gateway.startBackgroundJobs({ worker: true });
    op = new OperatorClient(t.gateway.app);
  });
  after(async () => {
    await t.close();
    await smtp.stop();
  });

  it('walks every stage, with an e-mail at each, and takes a live payment on the contracted terminal', async () => {
    // 1. Application: test keys at once, test mode works.
    const applied = await apply(t.gateway.app, 'Romashka Shop', 'owner@romashka.example');
    assert.equal(applied.body.stage, 'applied');
    assert.match(applied.key, /^sk_test_/);
    assert.match(applied.publishableKey, /^pk_test_/);
    assert.equal(typeof applied.body.test_mode_expires_at, 'string');
    const welcome = await smtp.waitFor(/test mode is ready/);
    assert.equal(welcome.to, 'owner@romashka.example');
    assert.ok(!welcome.text.includes(applied.key) && !welcome.text.includes('sk_test_'), 'an e-mail never carries a secret key');
    const testShop = new MerchantClient(t.gateway.app, applied.key);
    const testPayment = await testShop.pay(CARDS.visa);
    assert.equal(testPayment.status, 'captured');

    // The operator offers a bank, backed by the stand-in adapter.
    const created = await op.post('/admin/v1/banks', { code: 'standin', name: 'Stand-in Bank', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(201);
    assert.deepEqual(
      created.body.requirements.map((r: { code: string }) => r.code),
      ['charter', 'director_id', 'site_review'],
    );

    // Forbidden moves are refused with clear codes and change nothing.
    assert.equal((await testShop.post('/v1/account/bank', { bank: 'standin' }).expect(409)).body.error.code, 'merchant_invalid_stage');
    assert.equal((await op.post(`/admin/v1/merchants/${applied.id}/go_live`).expect(409)).body.error.code, 'contract_not_signed');

    // 2. Registration.
    const registered = await testShop.post('/v1/account/registration', COMPANY).expect(200);
    assert.equal(registered.body.stage, 'registered');
    assert.equal(registered.body.test_mode_expires_at, null, 'registered merchants keep test mode');
    assert.match((await smtp.waitFor(/Registration received/)).text, /7707083893/);

    // 3. Choosing a bank: only one the operator offers; the plan is e-mailed and shown.
    const refused = await testShop.post('/v1/account/bank', { bank: 'no-such-bank' }).expect(400);
    assert.equal(refused.body.error.code, 'bank_not_offered');
    assert.equal((await testShop.post('/v1/account/bank', { bank: 'standin' }).expect(200)).body.stage, 'bank_chosen');
    const plan = await smtp.waitFor(/plan for a contract with Stand-in Bank/);
    assert.match(plan.text, /1\. Company charter: A certified copy\./);
    assert.match(plan.text, /3\. Website review/);
    const status = await testShop.get('/v1/account/onboarding').expect(200);
    assert.equal(status.body.merchant.stage, 'bank_chosen');
    assert.deepEqual(
      status.body.bank.requirements.map((r: { title: string }) => r.title),
      ['Company charter', "Director's passport", 'Website review'],
    );

    // 4. Contract: only after the operator approved the registration.
    const contract = { bank_merchant_id: '000000001234567', terminal_ids: ['T0000001', 'T0000002'] };
    assert.equal((await op.post(`/admin/v1/merchants/${applied.id}/contract`, contract).expect(409)).body.error.code, 'registration_not_approved');
    assert.equal((await t.gateway.db('bank_connections').where({ merchant_id: applied.id })).length, 0);
    await op.post(`/admin/v1/merchants/${applied.id}/approve`).expect(200);
    assert.equal((await op.post(`/admin/v1/merchants/${applied.id}/contract`, contract).expect(200)).body.stage, 'contract_signed');
    const connections = await op.get(`/admin/v1/merchants/${applied.id}/bank_connections`).expect(200);
    assert.deepEqual(
      connections.body.data.map((c: { terminal_id: string; livemode: boolean }) => [c.terminal_id, c.livemode]),
      [
        ['T0000001', true],
        ['T0000002', true],
      ],
    );
    await smtp.waitFor(/contract with Stand-in Bank is signed/);

    // Live keys cannot be had before going live.
    assert.equal((await testShop.post('/v1/api_keys', { livemode: true }).expect(409)).body.error.code, 'merchant_invalid_stage');

    // 5. Going live: the e-mail says so and carries no key.
    const live = await op.post(`/admin/v1/merchants/${applied.id}/go_live`).expect(200);
    assert.equal(live.body.stage, 'live');
    assert.equal(live.body.mode, 'live');
    assert.ok(!JSON.stringify(live.body).includes('sk_live_'), 'the operator never sees a live secret key');
    const liveMail = await smtp.waitFor(/You are live/);
    assert.ok(!/sk_(live|test)_/.test(liveMail.text));

    // The merchant claims its live secret key once, with its test key...
    const claimed = await testShop.post('/v1/api_keys', { livemode: true, label: 'production' }).expect(201);
    assert.match(claimed.body.secret, /^sk_live_/);
    assert.equal((await testShop.post('/v1/api_keys', { livemode: true }).expect(403)).body.error.code, 'api_key_wrong_kind');
    const liveShop = new MerchantClient(t.gateway.app, claimed.body.secret as string);
    // ... and manages live keys with it from then on.
    const livePk = await liveShop.post('/v1/api_keys', { kind: 'publishable', label: 'checkout' }).expect(201);
    assert.match(livePk.body.secret, /^pk_live_/);

    // 6. The first live payment goes to the contracted bank, first terminal.
    const livePayment = await liveShop.pay(CARDS.visa, { amount: 250000 });
    assert.equal(livePayment.status, 'captured');
    assert.equal(livePayment.livemode, true);
    assert.equal(bank.authorizations.length, 1);
    assert.equal(bank.authorizations[0]?.connection.terminalId, 'T0000001');
    assert.equal(bank.authorizations[0]?.connection.bankMerchantId, '000000001234567');
    assert.equal(bank.authorizations[0]?.livemode, true);

    // Live follow-ups reach the same terminal as the authorization they follow.
    await liveShop.post('/v1/refunds', { payment_id: livePayment.id, amount: 50000 }).expect(201);
    const manual = await liveShop.pay(CARDS.visa, { amount: 9000, capture_method: 'manual' });
    assert.equal(manual.status, 'authorized');
    assert.equal((await liveShop.post(`/v1/payments/${manual.id}/capture`, { amount: 8000 }).expect(200)).body.amount_captured, 8000);
    const voidable = await liveShop.pay(CARDS.visa, { amount: 100, capture_method: 'manual' });
    assert.equal((await liveShop.post(`/v1/payments/${voidable.id}/cancel`).expect(200)).body.status, 'canceled');
    assert.deepEqual(
      bank.followUps.map((f) => `${f.kind}:${f.request.connection.terminalId}:${f.request.connection.bankMerchantId}`),
      ['refund:T0000001:000000001234567', 'capture:T0000001:000000001234567', 'void:T0000001:000000001234567'],
    );
    assert.equal(bank.authorizations.length, 3);

    // Test mode stays alongside live, and still goes only to the sandbox.
    assert.equal((await testShop.pay(CARDS.visa)).status, 'captured');
    assert.equal(bank.authorizations.length, 3);
    // Test and live never mix.
    assert.equal((await testShop.get(`/v1/payments/${livePayment.id}`).expect(404)).body.error.code, 'resource_not_found');
    await liveShop.get(`/v1/payments/${testPayment.id}`).expect(404);
    const liveList = await liveShop.get('/v1/payments?limit=100').expect(200);
    assert.deepEqual(
      liveList.body.data.map((p: { id: string }) => p.id),
      [voidable.id, manual.id, livePayment.id],
    );

    // Every stage change is an event; every operator action is in the audit log.
    const events = await t.gateway.db('events').where({ merchant_id: applied.id, object_type: 'merchant' }).orderBy('seq', 'asc');
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['merchant.application_submitted', 'merchant.registered', 'merchant.bank_chosen', 'merchant.contract_signed', 'merchant.live'],
    );
    const audit = await op.get(`/admin/v1/audit?merchant_id=${applied.id}`).expect(200);
    assert.deepEqual(
      audit.body.data.map((a: { action: string }) => a.action),
      ['merchant.go_live', 'merchant.record_contract', 'merchant.approve'],
    );
    for (const entry of audit.body.data) {
      assert.equal(entry.actor, 'operator');
      assert.ok(!Number.isNaN(Date.parse(entry.created_at)));
    }
    assert.equal(smtp.messages.filter((m) => m.to === 'owner@romashka.example').length, 5);
  });

  it('takes applications without a key, validates them, and changes nothing when refused', async () => {
    const before = await t.gateway.db('merchants').count({ n: '*' }).first();
    const bad = await request(t.gateway.app).post('/v1/applications').send({ name: 'X', email: 'not-an-email' }).expect(400);
    assert.equal(bad.body.error.param, 'email');
    await request(t.gateway.app).post('/v1/applications').send({ name: 'X', email: 'x@example.com', extra: 1 }).expect(400);
    const after = await t.gateway.db('merchants').count({ n: '*' }).first();
    assert.equal(Number(after?.n), Number(before?.n));
  });
});
