import assert from 'node:assert/strict';
import { BankRegistry, OutboundHttpClient } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as isoPlugin } from '@tender/adapter-iso8583';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { BankSimProcess } from '../support/bank-sim-process';
import { ISO_TERMS } from '../support/iso-adapter-fixture';

describe('the ISO 8583 plugin in a gateway (tender-bank-sim in its own process)', () => {
  let sim: BankSimProcess;
  let t: TestGateway;

  before(async () => {
    sim = await BankSimProcess.start();
    process.env.TENDER_ISO8583_HOST = '127.0.0.1';
    process.env.TENDER_ISO8583_PORT = String(sim.port);
    t = await startTestGateway({ plugins: [sandboxPlugin, isoPlugin], captureLogs: true });
  });
  after(async () => {
    delete process.env.TENDER_ISO8583_HOST;
    delete process.env.TENDER_ISO8583_PORT;
    await t.close();
    await sim.stop();
  });

  it('registers from the environment, and logs a malformed frame from the bank with the PAN masked', async () => {
    const iso = t.gateway.container.resolve(BankRegistry).get('iso8583');
    assert.equal((await iso.health()).ok, true);
    await sim.faults({ garbageNext: 1 });
    const result = await iso.authorize({
      reference: 'op_plugin_1', paymentId: 'pay_plugin', amount: 500, currency: 'RUB', capture: true, livemode: true,
      card: { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 1, cvc: '123', holderName: undefined },
      connection: ISO_TERMS,
    });
    assert.equal(result.kind, 'approved');
    assert.match(t.logs(), /malformed ISO 8583 frame dropped/);
    assert.ok(t.logs().includes('424242******4242'));
    assert.ok(!t.logs().includes('4242424242424242'), 'no full PAN in the gateway log');
  });

  it('refuses to register without a host, or with a bad port', async () => {
    const registered: unknown[] = [];
    const ctx = { config: t.gateway.config, container: t.gateway.container, outbound: t.gateway.container.resolve(OutboundHttpClient), registerBankAdapter: (a: unknown) => registered.push(a), registerPaymentMethod: () => {}, registerRoutes: () => {}, registerCertificateAuthenticator: () => {}, registerAdminRoutes: () => {}, registerApiRoutes: () => {}, registerBackgroundJob: () => {} };
    delete process.env.TENDER_ISO8583_HOST;
    await assert.rejects(async () => isoPlugin.register(ctx), /TENDER_ISO8583_HOST/);
    process.env.TENDER_ISO8583_HOST = '127.0.0.1';
    process.env.TENDER_ISO8583_PORT = 'eighty';
    await assert.rejects(async () => isoPlugin.register(ctx), /TENDER_ISO8583_PORT must be an integer/);
    assert.equal(registered.length, 0);
  });
});
