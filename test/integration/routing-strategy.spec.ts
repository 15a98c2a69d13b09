import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { Gateway, RoutingStrategy, RoutingStrategyWrapper, TenderPlugin, definePlugin, loadConfig } from '@tender/core';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { BankConnectionRepository } from '@tender/core/dist/banks/bank-connection';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { createTestDatabase } from '../support/test-database';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { WebAgent, operatorAgent } from '../support/web-session';

/** Moves bank "beta" to the front of whatever the rules decided: a plugin's wrapper. */
const preferBeta: RoutingStrategyWrapper = {
  name: 'rules-prefer-beta',
  wraps: 'rules',
  async refine(input, decision) {
    const beta = new Set(input.connections.filter((c) => c.bankCode === 'beta').map((c) => c.id));
    const ordered = [...decision.candidates.filter((c) => beta.has(c.connectionId)), ...decision.candidates.filter((c) => !beta.has(c.connectionId))];
    return { candidates: ordered.map((c) => (beta.has(c.connectionId) ? { ...c, reason: `beta preferred; ${c.reason}` } : c)), skipped: decision.skipped };
  },
};

/** A strategy that does not conform: offers every connection it is given, disabled ones first. */
const rogue: RoutingStrategy = {
  name: 'rogue',
  route: async (input) => ({
    candidates: [...input.connections]
      .sort((a, b) => (a.status === b.status ? 0 : a.status === 'disabled' ? -1 : 1))
      .map((c) => ({ connectionId: c.id, reason: 'rogue pick' })),
    skipped: [],
  }),
};

const strategies = (...list: Array<RoutingStrategy | RoutingStrategyWrapper>): TenderPlugin =>
  definePlugin({ name: 'test-strategies', version: '0.0.0', coreRange: '*', setup: (ctx) => list.forEach((s) => ctx.registerRoutingStrategy(s)) });

/** Everything a dry run could write, to prove it wrote nothing. */
async function writes(t: TestGateway): Promise<string> {
  const counts: Record<string, number> = {};
  for (const table of ['payments', 'payment_attempts', 'bank_operations', 'events', 'audit_log', 'routing_rule_versions'])
    counts[table] = Number((await t.gateway.db(table).count({ n: '*' }).first())?.n);
  return JSON.stringify(counts);
}

/** A live merchant with connections alpha and beta (stand-in bank), gamma (adapter not installed) and delta (disabled). */
async function liveMerchant(t: TestGateway): Promise<{ id: string; shop: MerchantClient; ids: Record<string, string> }> {
  const merchant = await t.createMerchant();
  // Stands in for onboarding (tested in onboarding-journey.spec): the merchant is live.
  await t.gateway.db('merchants').where({ id: merchant.id }).update({ stage: 'live', live_at: Date.now() });
  const live = await t.gateway.container.resolve(ApiKeyService).issue(t.gateway.db, { merchantId: merchant.id, livemode: true, kind: 'secret' });
  const repo = t.gateway.container.resolve(BankConnectionRepository);
  const base = { merchantId: merchant.id, livemode: true, currencies: ['RUB'] };
  const ids: Record<string, string> = {};
  for (const [i, [bank, adapter]] of [
    ['alpha', 'standin-bank'],
    ['beta', 'standin-bank'],
    ['gamma', 'absent-adapter'],
    ['delta', 'standin-bank'],
  ].entries()) {
    ids[bank] = (
      await repo.create(t.gateway.db, { ...base, bankCode: bank, adapterCode: adapter, bankMerchantId: `M-${bank}`, terminalId: `T000000${i}` }, 1_000 + i)
    ).id;
  }
  await repo.setStatus(t.gateway.db, { merchantId: merchant.id, livemode: true }, ids.delta, 'disabled', 2_000);
  return { id: merchant.id, shop: new MerchantClient(t.gateway.app, live.key), ids };
}

describe('routing strategies: a plugin wrapper, the dry run and the console tester', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let m: Awaited<ReturnType<typeof liveMerchant>>;
  let op: WebAgent;
  const admin = () => ({
    get: (path: string) => request(t.gateway.app).get(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`),
    post: (path: string, body: object) => request(t.gateway.app).post(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body),
  });

  before(async () => {
    t = await startTestGateway({
      plugins: [sandboxPlugin, standInBankPlugin(new StandInBankAdapter()), strategies(preferBeta, rogue)],
      env: { TENDER_ROUTING_STRATEGY: 'rules-prefer-beta' },
    });
    m = await liveMerchant(t);
    op = await operatorAgent(t);
  });
  after(() => t?.close());

  it('lists the registered strategies and marks the one TENDER_ROUTING_STRATEGY chose', async () => {
    const res = await admin().get('/admin/v1/routing/strategies').expect(200);
    assert.deepEqual(res.body.data, [
      { object: 'routing_strategy', name: 'rules', wraps: null, active: false },
      { object: 'routing_strategy', name: 'rules-prefer-beta', wraps: 'rules', active: true },
      { object: 'routing_strategy', name: 'rogue', wraps: null, active: false },
    ]);
  });

  it('explains a live payment: candidates in order with reasons, every other connection with why, and writes nothing', async () => {
    const before = await writes(t);
    const res = await admin()
      .post('/admin/v1/routing/explain', { merchant: m.id, mode: 'live', amount: 150_000, currency: 'RUB', payment_method: 'card', card_bin: '220000' })
      .expect(200);
    assert.equal(res.body.object, 'routing_explanation');
    assert.equal(res.body.strategy, 'rules-prefer-beta');
    assert.deepEqual(res.body.payment, {
      amount: 150_000,
      currency: 'RUB',
      payment_method: 'card',
      card_bin: '220000',
      brand: 'mir',
      reference: 'routing-explain',
    });
    assert.deepEqual(
      res.body.candidates.map((c: { bank: string; position: number }) => [c.position, c.bank]),
      [
        [1, 'beta'],
        [2, 'alpha'],
      ],
    );
    assert.match(res.body.candidates[0].reason, /^beta preferred; no routing rule matched/);
    const skipped = Object.fromEntries(res.body.skipped.map((s: { bank: string; reason: string }) => [s.bank, s.reason]));
    assert.deepEqual(skipped, { gamma: "adapter 'absent-adapter' is not installed", delta: 'connection disabled' });
    const kinds = Object.fromEntries(res.body.skipped.map((s: { bank: string; kind: string }) => [s.bank, s.kind]));
    assert.deepEqual(kinds, { gamma: 'adapter_missing', delta: 'disabled' });
    assert.equal(await writes(t), before);
  });

  it('the same rules decide real payments: the wrapper sends them to beta first', async () => {
    const paid = await m.shop.pay(CARDS.visa);
    assert.equal(paid.status, 'captured');
    const attempts = (await m.shop.get(`/v1/payments/${paid.id}/attempts`).expect(200)).body.data as Array<{ bank: string; reason: string }>;
    assert.deepEqual(
      attempts.map((a) => a.bank),
      ['beta'],
    );
    assert.match(attempts[0].reason, /^beta preferred/);
  });

  it('explains a test-mode payment as the sandbox, whatever the rules say', async () => {
    const res = await admin().post('/admin/v1/routing/explain', { merchant: m.id, mode: 'test', amount: 100, currency: 'RUB' }).expect(200);
    assert.deepEqual(
      res.body.candidates.map((c: { bank: string }) => c.bank),
      ['sandbox'],
    );
    assert.deepEqual(res.body.skipped, []);
  });

  it('refuses a bad dry run with the catalogue code and the field, and writes nothing', async () => {
    const before = await writes(t);
    const cases: Array<[object, number, string, string | undefined]> = [
      [{ merchant: m.id, amount: 100, currency: 'rub' }, 400, 'parameter_invalid', 'currency'],
      [{ merchant: m.id, amount: 1.5, currency: 'RUB' }, 400, 'parameter_invalid', 'amount'],
      [{ merchant: m.id, amount: 100, currency: 'RUB', card_bin: '4242' }, 400, 'parameter_invalid', 'card_bin'],
      [{ merchant: m.id, amount: 100, currency: 'RUB', card_number: '4242424242424242' }, 400, 'parameter_unknown', 'card_number'],
      [{ amount: 100, currency: 'RUB' }, 400, 'parameter_missing', 'merchant'],
      [{ merchant: 'mer_nobody', amount: 100, currency: 'RUB' }, 404, 'resource_not_found', undefined],
    ];
    for (const [body, status, code, param] of cases) {
      const res = await admin().post('/admin/v1/routing/explain', body).expect(status);
      assert.equal(res.body.error.code, code, JSON.stringify(body));
      assert.equal(res.body.error.param, param, JSON.stringify(body));
    }
    assert.equal(await writes(t), before);
    await request(t.gateway.app).post('/admin/v1/routing/explain').send({ merchant: m.id, amount: 100, currency: 'RUB' }).expect(401);
  });

  it('the console shows the active strategy and the tester answers with candidates and reasons, creating nothing', async () => {
    const page = await op.agent.get('/console/routing-tester').expect(200);
    assert.match(page.text, /id="routing-strategy">Active routing strategy: rules-prefer-beta</);
    assert.match(page.text, /id="tester-form"/);
    const before = await writes(t);
    const form = { _csrf: op.csrf, merchant: m.id, mode: 'live', amount: '5000', currency: 'rub', payment_method: 'card', card_bin: '424242' };
    const res = await op.agent.post('/console/routing-tester').type('form').send(form).expect(200);
    const candidates = [...res.text.matchAll(/<li data-connection="(bcn_\w+)"(?: data-kind="\w+")?><strong>(\w+)<\/strong>/g)].map((x) => x[2]);
    assert.deepEqual(candidates, ['beta', 'alpha', 'gamma', 'delta']);
    assert.match(res.text, /id="tester-candidates"[\s\S]*beta preferred; no routing rule matched/);
    assert.match(res.text, /id="tester-skipped"[\s\S]*connection disabled/);
    assert.match(res.text, /id="tester-skipped"[\s\S]*data-kind="disabled"/);
    const bad = await op.agent
      .post('/console/routing-tester')
      .type('form')
      .send({ ...form, amount: 'ten' })
      .expect(400);
    assert.match(bad.text, /id="console-error"><code>amount<\/code>/);
    assert.equal(await writes(t), before);
  });
});

describe('routing strategies: what the gateway enforces whatever the strategy', function () {
  this.timeout(60_000);

  it("refuses a non-conforming strategy's disabled and uninstalled candidates, keeping its order for the rest", async () => {
    const t = await startTestGateway({
      plugins: [sandboxPlugin, standInBankPlugin(new StandInBankAdapter()), strategies(rogue)],
      env: { TENDER_ROUTING_STRATEGY: 'rogue' },
    });
    try {
      const m = await liveMerchant(t);
      const res = await request(t.gateway.app)
        .post('/admin/v1/routing/explain')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ merchant: m.id, amount: 100, currency: 'RUB' })
        .expect(200);
      assert.deepEqual(
        res.body.candidates.map((c: { bank: string }) => c.bank),
        ['alpha', 'beta'],
      );
      const skipped = Object.fromEntries(res.body.skipped.map((s: { bank: string; reason: string }) => [s.bank, s.reason]));
      assert.deepEqual(skipped, {
        delta: 'refused by the gateway: connection disabled',
        gamma: "refused by the gateway: adapter 'absent-adapter' is not installed",
      });
      const kinds = Object.fromEntries(res.body.skipped.map((s: { bank: string; kind: string }) => [s.bank, s.kind]));
      assert.deepEqual(kinds, { delta: 'disabled', gamma: 'adapter_missing' });
      const paid = await m.shop.pay(CARDS.visa);
      assert.equal(paid.status, 'captured');
    } finally {
      await t.close();
    }
  });

  it('stops the start when TENDER_ROUTING_STRATEGY names no registered strategy', async () => {
    const database = await createTestDatabase();
    try {
      const config = {
        ...loadConfig({
          TENDER_MASTER_KEY: randomBytes(32).toString('base64'),
          TENDER_ADMIN_TOKEN: ADMIN_TOKEN,
          TENDER_LOG_LEVEL: 'silent',
          TENDER_ROUTING_STRATEGY: 'fastest',
        }),
        database: database.config,
      };
      await assert.rejects(
        Gateway.create(config, { plugins: [sandboxPlugin] }),
        /TENDER_ROUTING_STRATEGY names 'fastest', but the registered strategies are: rules/,
      );
    } finally {
      await database.drop();
    }
  });
});
