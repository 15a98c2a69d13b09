import assert from 'node:assert/strict';
import { BankOperatorAlerts, FixedClock, TenderPlugin, definePlugin } from '@tender/core';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { BankConnectionRepository } from '@tender/core/dist/banks/bank-connection';
import { BankReconciler } from '@tender/core/dist/payments/bank-reconciler';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { ISO_LINK_MIGRATIONS, Iso8583BankAdapter } from '@tender/adapter-iso8583';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { BankSimProcess } from '../support/bank-sim-process';

// Issue 19 item 1: a reversal the bank refuses (39=96) keeps the operation open,
// is repeated (0420, then 0421) until approved, and alerts the operator once.
// tender-bank-sim runs in its own process over real TCP on loopback.
describe('ISO 8583: a refused reversal stays open until the bank approves it', function () {
  let t: TestGateway;
  let sim: BankSimProcess;
  let shop: MerchantClient;
  const clock = new FixedClock(Date.UTC(2026, 10, 27, 6, 0));
  const OPERATOR = 'ops@tender.test';

  before(async () => {
    sim = await BankSimProcess.start();
    const plugins: TenderPlugin[] = [
      sandboxPlugin,
      definePlugin({
        name: 'iso-to-sim',
        version: '0.0.0',
        coreRange: '*',
        // The adapter's tables, as @tender/adapter-iso8583 (not loaded here) would make them.
        migrations: [...ISO_LINK_MIGRATIONS],
        setup: (ctx) =>
          ctx.registerBankAdapter(
            new Iso8583BankAdapter({
              host: '127.0.0.1',
              port: sim.port,
              database: ctx.core.database,
              deadlineMs: 500,
              reversalDeadlineMs: 1_000,
              reversalRepeatMs: 600_000,
              reversalAlertAfter: 2,
              reconnectInitialMs: 50,
              alerts: { raise: (alert) => ctx.resolve(BankOperatorAlerts).raise(alert) },
            }),
          ),
      }),
    ];
    t = await startTestGateway({ plugins, clock, env: { TENDER_OPERATOR_ALERT_EMAIL: OPERATOR } });
    const merchant = await t.createMerchant();
    await t.gateway.db('merchants').where({ id: merchant.id }).update({ stage: 'live', live_at: clock.now() });
    const live = await t.gateway.container.resolve(ApiKeyService).issue(t.gateway.db, { merchantId: merchant.id, livemode: true, kind: 'secret' });
    shop = new MerchantClient(t.gateway.app, live.key);
    await t.gateway.container.resolve(BankConnectionRepository).create(
      t.gateway.db,
      {
        merchantId: merchant.id,
        livemode: true,
        currencies: ['RUB'],
        bankCode: 'beta',
        adapterCode: 'iso8583',
        bankMerchantId: 'BETA-M-1',
        terminalId: 'TB000001',
      },
      clock.now(),
    );
  });
  after(async () => {
    await t.close();
    await sim.stop();
  });

  it('keeps the payment processing while the bank refuses, alerts the operator once, and fails it only after the approved reversal', async () => {
    const before = await sim.charged(CARDS.visa);
    await sim.faults({ dropNext: 1, refuseReversalsNext: 2 });
    const p = await shop.pay(CARDS.visa, { amount: 4_321 });
    assert.equal(p.status, 'processing', 'no answer, reversal refused: the outcome is open');
    assert.equal(await sim.charged(CARDS.visa), before + 4_321, 'the bank still holds the money');
    const reconciler = t.gateway.container.resolve(BankReconciler);

    await reconciler.run(-1);
    assert.equal(
      (await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status,
      'processing',
      'refused again (0420): still open, never "failed" while the money is held',
    );
    const alerts = await t.gateway.db('bank_operator_alerts').where({ payment_id: p.id });
    assert.deepEqual(
      alerts.map((a: { kind: string }) => a.kind),
      ['reversal_refused'],
    );
    const events = await t.gateway.db('events').where({ object_id: p.id, type: 'bank_operation.reversal_refused' });
    assert.equal(events.length, 1);
    const mails = await t.gateway.db('email_outbox').where({ recipient: OPERATOR });
    assert.equal(mails.length, 1);
    const mail = JSON.parse(String(mails[0].data)) as { subject: string; text: string };
    assert.match(mail.subject, /reversal refused/);
    assert.match(mail.text, new RegExp(p.id));
    assert.ok(!mail.text.includes(CARDS.visa), 'no PAN in the alert');

    await reconciler.run(-1);
    assert.equal(
      (await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status,
      'failed',
      'the third try (0421) was approved: now it failed, nothing charged',
    );
    assert.equal(await sim.charged(CARDS.visa), before, 'the hold is released to the kopeck');
    const byMti = (await sim.state()).stats.byMti;
    assert.deepEqual([byMti['0400'], byMti['0420'], byMti['0421']], [1, 1, 1], 'reversal, then its advice, then the advice repeated');
    assert.equal((await t.gateway.db('email_outbox').where({ recipient: OPERATOR })).length, 1, 'one alert, not one per try');
  });
});
