import assert from 'node:assert/strict';
import { BankRegistry, NO_PLUGIN_SETTINGS, resolvePluginOptions } from '@tender/core';
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
    // The deprecated names still work (docs/configuration.md); the new ones are tested below.
    t = await startTestGateway({
      plugins: [sandboxPlugin, isoPlugin],
      captureLogs: true,
      env: { TENDER_ISO8583_HOST: '127.0.0.1', TENDER_ISO8583_PORT: String(sim.port) },
    });
  });
  after(async () => {
    await t.close();
    await sim.stop();
  });

  it('registers from the environment, and logs a malformed frame from the bank with the PAN masked', async () => {
    const iso = t.gateway.container.resolve(BankRegistry).get('iso8583');
    assert.equal((await iso.health()).ok, true);
    await sim.faults({ garbageNext: 1 });
    const result = await iso.authorize({
      reference: 'op_plugin_1',
      paymentId: 'pay_plugin',
      amount: 500,
      currency: 'RUB',
      capture: true,
      livemode: true,
      card: { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 1, cvc: '123', holderName: undefined },
      connection: ISO_TERMS,
    });
    assert.equal(result.kind, 'approved');
    assert.match(t.logs(), /malformed ISO 8583 frame dropped/);
    assert.ok(t.logs().includes('424242******4242'));
    assert.ok(!t.logs().includes('4242424242424242'), 'no full PAN in the gateway log');
  });

  it('refuses a bad port naming the plugin and the option, and takes its other options', () => {
    // No host is not an option error: the processing centres may all be in iso8583_centres (the start then says what is missing).
    assert.deepEqual(resolvePluginOptions(isoPlugin, NO_PLUGIN_SETTINGS), { port: 8583, poolSize: 2, deadlineMs: 10_000, reversalAlertAfter: 3 });
    const settings = { ...NO_PLUGIN_SETTINGS, variables: { TENDER_PLUGIN_ISO8583_HOST: '127.0.0.1', TENDER_PLUGIN_ISO8583_PORT: 'eighty' } };
    assert.throws(
      () => resolvePluginOptions(isoPlugin, settings),
      /plugin @tender\/adapter-iso8583: option port: Expected number, received string \(TENDER_PLUGIN_ISO8583_PORT/,
    );
    const ok = resolvePluginOptions(isoPlugin, {
      ...settings,
      variables: { TENDER_PLUGIN_ISO8583_HOST: '127.0.0.1', TENDER_PLUGIN_ISO8583_POOL_SIZE: '3', TENDER_PLUGIN_ISO8583_MCC: '5411' },
    });
    assert.deepEqual(ok, { host: '127.0.0.1', port: 8583, poolSize: 3, deadlineMs: 10_000, reversalAlertAfter: 3, mcc: '5411' });
  });
});
