import assert from 'node:assert/strict';
import request from 'supertest';
import { BankRegistry, FixedClock, KEY_RING, KeyRing, TenderPlugin, definePlugin } from '@tender/core';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { BankConnectionRepository } from '@tender/core/dist/banks/bank-connection';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { Iso8583BankAdapter, Iso8583CentreRepository, plugin as isoPlugin } from '@tender/adapter-iso8583';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { BankSimProcess } from '../support/bank-sim-process';

const ZMK = '0123456789ABCDEFFEDCBA9876543210';

// Issue 19 item 7: processing centres in the database, two of them at once, each a
// tender-bank-sim in its own process (different dialects) over real TCP on loopback.
describe('ISO 8583: one gateway, two processing centres from the database', function () {
  let t: TestGateway;
  let alfa: BankSimProcess;
  let beta: BankSimProcess;
  let shop: MerchantClient;
  const clock = new FixedClock(Date.UTC(2026, 10, 27, 6, 0));

  before(async () => {
    delete process.env.TENDER_ISO8583_HOST;
    alfa = await BankSimProcess.start('iso8583-1987-ascii');
    // Beta shares a zone master key with Tender: it sends working keys and both sides MAC.
    beta = await BankSimProcess.start('iso8583-1987-bcd-tpdu', ['--zmk', ZMK]);
    // Stands in for the operator adding the centres (the plugin reads them at start-up).
    const seed: TenderPlugin = definePlugin({
      name: 'seed-centres',
      version: '0.0.0',
      coreRange: '*',
      async setup(ctx) {
        const centres = new Iso8583CentreRepository(ctx.core.database, ctx.core.keyRing);
        const common = { poolSize: 1, timeZone: 'Europe/Moscow', merchantCategoryCode: '5732', acceptor: undefined, tls: false, tlsCa: undefined };
        await centres.save(
          {
            ...common,
            code: 'pc-alfa',
            host: '127.0.0.1',
            port: alfa.port,
            dialect: 'iso8583-1987-ascii',
            acquirerId: '11111111111',
            zoneMasterKey: undefined,
          },
          clock.now(),
        );
        await centres.save(
          { ...common, code: 'pc-beta', host: '127.0.0.1', port: beta.port, dialect: 'iso8583-1987-bcd-tpdu', acquirerId: '22222222222', zoneMasterKey: ZMK },
          clock.now(),
        );
      },
    });
    t = await startTestGateway({ plugins: [sandboxPlugin, seed, isoPlugin], clock });
    const merchant = await t.createMerchant();
    await t.gateway.db('merchants').where({ id: merchant.id }).update({ stage: 'live', live_at: clock.now() });
    const live = await t.gateway.container.resolve(ApiKeyService).issue(t.gateway.db, { merchantId: merchant.id, livemode: true, kind: 'secret' });
    shop = new MerchantClient(t.gateway.app, live.key);
    const repo = t.gateway.container.resolve(BankConnectionRepository);
    const base = { merchantId: merchant.id, livemode: true, currencies: ['RUB'] };
    await repo.create(t.gateway.db, { ...base, bankCode: 'alfa', adapterCode: 'pc-alfa', bankMerchantId: 'ALFA-M-1', terminalId: 'TA000001' }, clock.now());
    await repo.create(t.gateway.db, { ...base, bankCode: 'beta', adapterCode: 'pc-beta', bankMerchantId: 'BETA-M-1', terminalId: 'TB000001' }, clock.now() + 1);
    await request(t.gateway.app)
      .put('/v1/routing')
      .set('Authorization', `Bearer ${shop.key}`)
      .send({ rules: [{ id: 'mir-to-beta', priority: 1, match: { bin_ranges: [{ from: '220000', to: '220499' }] }, targets: [{ bank: 'beta', weight: 1 }] }] })
      .expect(200);
  });
  after(async () => {
    await t.close();
    await alfa.stop();
    await beta.stop();
  });

  it('registers one adapter per centre, and keeps the zone master key sealed', async () => {
    const registry = t.gateway.container.resolve(BankRegistry);
    assert.equal((await registry.get('pc-alfa').health()).ok, true);
    assert.equal((await registry.get('pc-beta').health()).ok, true);
    const row = await t.gateway.db('iso8583_centres').where({ code: 'pc-beta' }).first();
    assert.ok(!String(row.zone_master_key_sealed).includes(ZMK), 'never in clear');
    assert.equal(
      (await new Iso8583CentreRepository(t.gateway.db, t.gateway.container.resolve<KeyRing>(KEY_RING)).listActive()).find((c) => c.code === 'pc-beta')
        ?.zoneMasterKey,
      ZMK,
    );
  });

  it("sends each payment to its centre, with that centre's terminal, and each charges to the kopeck", async () => {
    const visa = await shop.pay(CARDS.visa, { amount: 10_001 });
    const mir = await shop.pay(CARDS.mir, { amount: 20_002 });
    assert.deepEqual([visa.status, mir.status], ['captured', 'captured']);
    assert.equal(await alfa.charged(CARDS.visa), 10_001);
    assert.equal(await beta.charged(CARDS.mir), 20_002);
    assert.equal(await alfa.charged(CARDS.mir), 0);
    assert.equal(await beta.charged(CARDS.visa), 0);
    const journal = await t.gateway.db('iso8583_journal').select('adapter_code', 'terminal_id').orderBy('created_at');
    assert.deepEqual(
      journal.map((r: { adapter_code: string; terminal_id: string }) => [r.adapter_code, r.terminal_id]),
      [
        ['pc-alfa', 'TA000001'],
        ['pc-beta', 'TB000001'],
      ],
    );
  });

  it("repeats a centre's reversals to that centre only", async () => {
    await beta.faults({ dropNext: 1, refuseReversalsNext: 1 });
    const p = await shop.pay(CARDS.mir, { amount: 303 });
    assert.equal(p.status, 'processing');
    const registry = t.gateway.container.resolve(BankRegistry);
    const alfaBefore = (await alfa.state()).stats.byMti;
    assert.equal(await (registry.get('pc-alfa') as Iso8583BankAdapter).repeatReversals(), 0, 'alfa has nothing to repeat');
    assert.deepEqual((await alfa.state()).stats.byMti, alfaBefore);
    assert.equal(await (registry.get('pc-beta') as Iso8583BankAdapter).repeatReversals(), 1);
    assert.equal(await beta.charged(CARDS.mir), 20_002, 'the 3.03 hold was released at beta');
  });
});
