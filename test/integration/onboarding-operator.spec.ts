import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { COMPANY, OperatorClient, apply } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';

/** Row counts of everything onboarding writes, to prove a refused request wrote nothing. */
async function snapshot(t: TestGateway): Promise<string> {
  const counts: Record<string, unknown> = {};
  for (const table of ['merchants', 'api_keys', 'banks', 'bank_connections', 'events', 'audit_log']) {
    counts[table] = Number((await t.gateway.db(table).count({ n: '*' }).first())?.n);
  }
  const stages = await t.gateway.db('merchants').select('id', 'stage', 'approved_at', 'test_mode_expires_at').orderBy('id');
  return JSON.stringify({ counts, stages });
}

describe('operator API: banks, merchants by stage, forbidden moves, audit', function () {
  let t: TestGateway;
  let op: OperatorClient;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, standInBankPlugin(new StandInBankAdapter())] });
    op = new OperatorClient(t.gateway.app);
  });
  after(() => t.close());

  it('keeps a bank catalogue whose adapters must be installed', async () => {
    const before = await snapshot(t);
    assert.equal(
      (await op.post('/admin/v1/banks', { code: 'ghost', name: 'Ghost', adapter_code: 'no-such-adapter', currencies: ['RUB'] }).expect(400)).body.error.code,
      'bank_adapter_unknown',
    );
    assert.equal(
      (await op.post('/admin/v1/banks', { code: 'x', name: 'X', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(400)).body.error.param,
      'code',
    );
    assert.equal(
      (await op.post('/admin/v1/banks', { code: 'eur', name: 'E', adapter_code: 'standin-bank', currencies: ['XXX'] }).expect(400)).body.error.param,
      'currencies.0',
    );
    assert.equal(await snapshot(t), before);

    const own = [{ code: 'charter', title: 'Charter', description: '' }];
    await op.post('/admin/v1/banks', { code: 'alfa', name: 'Alfa', adapter_code: 'standin-bank', currencies: ['RUB', 'USD'], requirements: own }).expect(201);
    assert.equal(
      (await op.post('/admin/v1/banks', { code: 'alfa', name: 'Again', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(400)).body.error.code,
      'bank_code_taken',
    );
    await op.post('/admin/v1/banks', { code: 'beta', name: 'Beta', adapter_code: 'sandbox', currencies: ['RUB'] }).expect(201);
    const patched = await op.patch('/admin/v1/banks/alfa', { name: 'Alfa-Bank', currencies: ['RUB'] }).expect(200);
    assert.equal(patched.body.name, 'Alfa-Bank');
    assert.deepEqual(patched.body.requirements, own);
    assert.equal((await op.delete('/admin/v1/banks/beta').expect(200)).body.status, 'withdrawn');
    assert.deepEqual(
      (await op.get('/admin/v1/banks?status=active').expect(200)).body.data.map((b: { code: string }) => b.code),
      ['alfa'],
    );
    await op.get('/admin/v1/banks/nope').expect(404);

    // Merchants see only what is offered, and cannot choose a withdrawn bank.
    const m = await apply(t.gateway.app, 'Bank Picker', 'picker@shop.example');
    const shop = new MerchantClient(t.gateway.app, m.key);
    assert.deepEqual(
      (await shop.get('/v1/account/banks').expect(200)).body.data.map((b: { code: string }) => b.code),
      ['alfa'],
    );
    await shop.post('/v1/account/registration', COMPANY).expect(200);
    assert.equal((await shop.post('/v1/account/bank', { bank: 'beta' }).expect(400)).body.error.code, 'bank_not_offered');
    const audit = await op.get('/admin/v1/audit?limit=100').expect(200);
    const bankActions = audit.body.data
      .filter((e: { object_type: string }) => e.object_type === 'bank')
      .map((e: { action: string; object_id: string }) => `${e.action}:${e.object_id}`);
    assert.deepEqual(bankActions, ['bank.withdraw:beta', 'bank.update:alfa', 'bank.create:beta', 'bank.create:alfa']);
  });

  it('lists merchants by stage, newest first, a page at a time', async () => {
    const x = await apply(t.gateway.app, 'Lister One', 'one@shop.example');
    const y = await apply(t.gateway.app, 'Lister Two', 'two@shop.example');
    const applied = await op.get('/admin/v1/merchants?stage=applied&limit=100').expect(200);
    const ids = applied.body.data.map((m: { id: string }) => m.id);
    assert.ok(ids.includes(x.id) && ids.includes(y.id));
    assert.ok(applied.body.data.every((m: { stage: string }) => m.stage === 'applied'));
    const first = await op.get('/admin/v1/merchants?limit=1').expect(200);
    assert.equal(first.body.has_more, true);
    const second = await op.get(`/admin/v1/merchants?limit=1&starting_after=${first.body.data[0].id}`).expect(200);
    assert.notEqual(second.body.data[0].id, first.body.data[0].id);
    assert.equal((await op.get('/admin/v1/merchants?stage=dreaming').expect(400)).body.error.param, 'stage');
    const one = await op.get(`/admin/v1/merchants/${x.id}`).expect(200);
    assert.equal(one.body.email, 'one@shop.example');
    await op.get('/admin/v1/merchants/mer_doesnotexist').expect(404);
  });

  it('refuses every move the stage machine forbids with a clear code, writing nothing', async () => {
    const m = await apply(t.gateway.app, 'Out Of Order', 'order@shop.example');
    const shop = new MerchantClient(t.gateway.app, m.key);
    const contract = { bank_merchant_id: '123456789012345', terminal_ids: ['T1'] };
    const before = await snapshot(t);
    const refusals: Array<[request.Test, number, string]> = [
      [op.post(`/admin/v1/merchants/${m.id}/go_live`), 409, 'contract_not_signed'],
      [op.post(`/admin/v1/merchants/${m.id}/contract`, contract), 409, 'merchant_invalid_stage'],
      [op.post(`/admin/v1/merchants/${m.id}/approve`), 409, 'merchant_invalid_stage'],
      [op.post(`/admin/v1/merchants/${m.id}/resume`), 409, 'merchant_invalid_stage'],
      [shop.post('/v1/account/bank', { bank: 'alfa' }), 409, 'merchant_invalid_stage'],
      [shop.post('/v1/account/registration', { ...COMPANY, tax_id: '7707083890' }), 400, 'tax_id_invalid'],
      [shop.post('/v1/account/registration', { ...COMPANY, tax_id: '77070838' }), 400, 'tax_id_invalid'],
      [shop.post('/v1/account/registration', { ...COMPANY, website: 'ftp://x' }), 400, 'parameter_invalid'],
      [shop.post('/v1/account/registration', { ...COMPANY, contact: { name: 'A' } }), 400, 'parameter_missing'],
      [op.post('/admin/v1/merchants/mer_nobody/go_live'), 404, 'resource_not_found'],
    ];
    for (const [pending, status, code] of refusals) {
      const res = await pending;
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code);
    }
    assert.equal(await snapshot(t), before);

    // A foreign tax id is checked generically; registering twice is refused.
    await shop.post('/v1/account/registration', { ...COMPANY, country: 'DE', tax_id: 'DE123456789' }).expect(200);
    assert.equal((await shop.post('/v1/account/registration', COMPANY).expect(409)).body.error.code, 'merchant_invalid_stage');
    await shop.post('/v1/account/bank', { bank: 'alfa' }).expect(200);
    await shop.post('/v1/account/bank', { bank: 'alfa' }).expect(200);
    await op.post(`/admin/v1/merchants/${m.id}/approve`).expect(200);
    const mid = await snapshot(t);
    assert.equal((await op.post(`/admin/v1/merchants/${m.id}/contract`, { ...contract, currencies: ['USD'] }).expect(400)).body.error.param, 'currencies');
    assert.equal(
      (await op.post(`/admin/v1/merchants/${m.id}/contract`, { ...contract, terminal_ids: ['T1', 'T1'] }).expect(400)).body.error.param,
      'terminal_ids',
    );
    assert.equal(
      (await op.post(`/admin/v1/merchants/${m.id}/contract`, { bank_merchant_id: 'x'.repeat(16), terminal_ids: ['T1'] }).expect(400)).body.error.param,
      'bank_merchant_id',
    );
    assert.equal(await snapshot(t), mid);
  });

  it('refuses a terminal already connected at the same bank', async () => {
    const make = async (name: string) => {
      const m = await apply(t.gateway.app, name, `${name}@shop.example`);
      const shop = new MerchantClient(t.gateway.app, m.key);
      await shop.post('/v1/account/registration', COMPANY).expect(200);
      await shop.post('/v1/account/bank', { bank: 'alfa' }).expect(200);
      await op.post(`/admin/v1/merchants/${m.id}/approve`).expect(200);
      return m.id;
    };
    const first = await make('first');
    const second = await make('second');
    await op.post(`/admin/v1/merchants/${first}/contract`, { bank_merchant_id: 'M1', terminal_ids: ['SHARED01'] }).expect(200);
    const before = await snapshot(t);
    const res = await op.post(`/admin/v1/merchants/${second}/contract`, { bank_merchant_id: 'M2', terminal_ids: ['OWN00001', 'SHARED01'] }).expect(400);
    assert.equal(res.body.error.param, 'terminal_ids');
    assert.equal(await snapshot(t), before);
  });
});
