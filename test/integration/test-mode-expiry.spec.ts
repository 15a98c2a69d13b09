import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FixedClock, EmailDispatcher } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { COMPANY, OperatorClient, apply } from '../support/operator-client';

const HOUR = 3600_000;

describe('test mode: one day, then register or be extended', function () {
  const clock = new FixedClock(Date.parse('2026-03-02T09:00:00Z'));
  let t: TestGateway;
  let op: OperatorClient;

  // No TENDER_SMTP_URL: e-mails go to .eml files under <dataDir>/mail.
  before(async () => {
    t = await startTestGateway({ clock });
    op = new OperatorClient(t.gateway.app);
  });
  after(() => t.close());

  it('lasts TENDER_TEST_MODE_HOURS (24 by default), then refuses test requests with test_mode_expired', async () => {
    const m = await apply(t.gateway.app, 'Late Shop', 'late@shop.example');
    assert.equal(m.body.test_mode_expires_at, '2026-03-03T09:00:00.000Z');
    const shop = new MerchantClient(t.gateway.app, m.key);
    const paid = await shop.pay(CARDS.visa);

    clock.advance(24 * HOUR - 1);
    await shop.get(`/v1/payments/${paid.id}`).expect(200);
    clock.advance(1);
    for (const res of [await shop.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'x' }), await shop.get('/v1/api_keys')]) {
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'test_mode_expired');
      assert.equal(res.body.error.type, 'permission_error');
    }
    assert.equal((await t.gateway.db('payments').where({ merchant_id: m.id })).length, 1, 'a refused request writes nothing');
    // Reading, canceling and refunding test payments stay open (test/security/merchant-standing.spec covers every path).
    await shop.get(`/v1/payments/${paid.id}`).expect(200);

    // Its account stays open, so it can see why and register.
    const status = await shop.get('/v1/account/onboarding').expect(200);
    assert.equal(status.body.test_mode.expired, true);
    await shop.post('/v1/account/registration', COMPANY).expect(200);
    await shop.get(`/v1/payments/${paid.id}`).expect(200);
    clock.advance(365 * 24 * HOUR);
    assert.equal((await shop.pay(CARDS.visa)).status, 'captured', 'registered merchants keep test mode');
  });

  it('is extended by the operator from the later of now and the old end, and the extension is audited', async () => {
    const m = await apply(t.gateway.app, 'Slow Shop', 'slow@shop.example');
    const shop = new MerchantClient(t.gateway.app, m.key);
    clock.advance(30 * HOUR);
    await shop.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'slow-1' }).expect(403);

    const extended = await op.post(`/admin/v1/merchants/${m.id}/extend_test_mode`, { hours: 48 }).expect(200);
    assert.equal(extended.body.test_mode_expires_at, new Date(clock.now() + 48 * HOUR).toISOString());
    await shop.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'slow-1' }).expect(201);
    // Without hours: one more TENDER_TEST_MODE_HOURS from the current end.
    const again = await op.post(`/admin/v1/merchants/${m.id}/extend_test_mode`).expect(200);
    assert.equal(again.body.test_mode_expires_at, new Date(clock.now() + 72 * HOUR).toISOString());
    const audit = await op.get(`/admin/v1/audit?merchant_id=${m.id}`).expect(200);
    assert.deepEqual(
      audit.body.data.map((a: { action: string; data: { hours: number } }) => [a.action, a.data.hours]),
      [
        ['merchant.extend_test_mode', 24],
        ['merchant.extend_test_mode', 48],
      ],
    );

    await op.post(`/admin/v1/merchants/${m.id}/extend_test_mode`, { hours: 0 }).expect(400);
    const operatorMade = await t.createMerchant('Vouched Shop');
    const refused = await op.post(`/admin/v1/merchants/${operatorMade.id}/extend_test_mode`).expect(409);
    assert.equal(refused.body.error.code, 'merchant_invalid_stage');
  });

  it('writes the e-mails as .eml files when no SMTP server is configured', async () => {
    // Onboarding e-mails wait in the e-mail outbox; its dispatcher writes the files.
    const dispatcher = t.gateway.container.resolve(EmailDispatcher);
    while ((await dispatcher.runOnce()) > 0);
    const dir = path.join(t.dataDir, 'mail');
    const mails = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    const late = mails.filter((m) => m.includes('To: late@shop.example'));
    assert.ok(late.some((m) => m.includes('Subject: Your Tender test mode is ready')));
    assert.ok(late.some((m) => m.includes('Subject: Registration received: OOO Romashka')));
    for (const m of mails) assert.ok(!/sk_test_/.test(m), 'no e-mail carries a secret key');
  });
});

describe('test mode length is operator configuration', function () {
  it('follows TENDER_TEST_MODE_HOURS', async () => {
    const clock = new FixedClock(Date.parse('2026-03-02T09:00:00Z'));
    const t = await startTestGateway({ clock, env: { TENDER_TEST_MODE_HOURS: '2' } });
    try {
      const m = await apply(t.gateway.app, 'Quick Shop', 'quick@shop.example');
      assert.equal(m.body.test_mode_expires_at, '2026-03-02T11:00:00.000Z');
    } finally {
      await t.close();
    }
  });
});
