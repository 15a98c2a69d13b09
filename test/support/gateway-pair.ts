import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { BankConnectionRepository } from '@tender/core/dist/banks/bank-connection';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from './test-gateway';
import { CARDS, card } from './merchant-client';
import { GatewayChild } from './gateway-child';
import { plugin as probePlugin } from './shared-state-probe';

export interface PaidPayment {
  readonly id: string;
  readonly status: string;
}

export interface Attempt {
  readonly bank: string;
  readonly result: string;
}

/**
 * Two real gateway processes (GatewayChild) on one test database, for the specs of
 * shared state: an in-process gateway sets the database up (a live merchant, bank
 * "alpha" behind the switchable adapter of test/support/shared-state-probe.ts, then
 * bank "beta", the sandbox) and serves nothing; the children serve the requests.
 *
 * @example
 * ```ts
 * const pair = await GatewayPair.start({ a: { PROBE_BANK_DOWN: '1' }, b: {} });
 * const paid = await pair.pay(pair.a.url, 100);
 * await pair.close();
 * ```
 */
export class GatewayPair {
  private constructor(
    readonly t: TestGateway,
    readonly env: Record<string, string>,
    readonly liveKey: string,
    readonly publishableKey: string,
    readonly connections: { readonly alpha: string; readonly beta: string },
    public a: GatewayChild,
    public b: GatewayChild,
  ) {}

  /** `a` and `b`: environment added to each process's (PROBE_BANK_DOWN, PROBE_JOB). */
  static async start(extra: { a: Record<string, string>; b: Record<string, string> }): Promise<GatewayPair> {
    const t = await startTestGateway({ plugins: [sandboxPlugin, probePlugin], dashboard: false });
    const merchant = await t.createMerchant();
    const now = Date.now();
    await t.gateway.db('merchants').where({ id: merchant.id }).update({ stage: 'live', live_at: now });
    const liveKey = (await t.gateway.container.resolve(ApiKeyService).issue(t.gateway.db, { merchantId: merchant.id, livemode: true, kind: 'secret' })).key;
    // Dozens of payments at once with one card from one address (127.0.0.1): the velocity and declines rules (which count awaited
    // attempts as possible declines) would refuse them, which is not what these specs test.
    await request(t.gateway.app)
      .put('/v1/risk/rules')
      .set('Authorization', `Bearer ${liveKey}`)
      .send({ rules: { velocity: { enabled: false }, declines: { enabled: false } } })
      .expect(200);
    const repo = t.gateway.container.resolve(BankConnectionRepository);
    const base = { merchantId: merchant.id, livemode: true, currencies: ['RUB'] };
    const alpha = (
      await repo.create(t.gateway.db, { ...base, bankCode: 'alpha', adapterCode: 'switchable', bankMerchantId: 'ALPHA-M-1', terminalId: 'TA000001' }, now)
    ).id;
    const beta = (
      await repo.create(t.gateway.db, { ...base, bankCode: 'beta', adapterCode: 'sandbox', bankMerchantId: 'BETA-M-1', terminalId: 'TB000001' }, now + 1)
    ).id;
    const config = t.database.config;
    const env = {
      DATABASE_URL: config.client === 'sqlite' ? `sqlite:${config.filename}` : config.url,
      TENDER_MASTER_KEY: t.gateway.config.masterKey ?? '',
      TENDER_ADMIN_TOKEN: ADMIN_TOKEN,
      TENDER_PLUGINS: `@tender/adapter-sandbox,${path.resolve(__dirname, 'shared-state-probe.js')}`,
    };
    const [a, b] = await Promise.all([GatewayChild.start({ ...env, ...extra.a }), GatewayChild.start({ ...env, ...extra.b })]);
    return new GatewayPair(t, env, liveKey, merchant.publishableKey, { alpha, beta }, a, b);
  }

  /** Replaces both processes with fresh ones (the database stays). */
  async restart(extra: { a: Record<string, string>; b: Record<string, string> }): Promise<void> {
    await Promise.all([this.a.stop(), this.b.stop()]);
    [this.a, this.b] = await Promise.all([GatewayChild.start({ ...this.env, ...extra.a }), GatewayChild.start({ ...this.env, ...extra.b })]);
  }

  async close(): Promise<void> {
    await Promise.all([this.a.stop(), this.b.stop()]);
    await this.t.close();
  }

  /** Creates and confirms a live RUB card payment through the process at `url`; the confirm must answer 200. */
  async pay(url: string, amount: number): Promise<PaidPayment> {
    const created = await request(url)
      .post('/v1/payments')
      .set('Authorization', `Bearer ${this.liveKey}`)
      .send({ amount, currency: 'RUB', order_id: `o-${amount}-${Math.random()}` })
      .expect(201);
    const confirmed = await request(url)
      .post(`/v1/payments/${created.body.id as string}/confirm`)
      .set('Authorization', `Bearer ${this.liveKey}`)
      .send(card(CARDS.visa));
    assert.equal(confirmed.status, 200, `confirm answered ${confirmed.status} ${JSON.stringify(confirmed.body)}${this.logs()}`);
    return confirmed.body as PaidPayment;
  }

  async attempts(id: string): Promise<Attempt[]> {
    return (await request(this.a.url).get(`/v1/payments/${id}/attempts`).set('Authorization', `Bearer ${this.liveKey}`).expect(200)).body.data as Attempt[];
  }

  /** The breaker of bank `bank` as the process at `url` sees it. */
  async breakerIn(url: string, bank: 'alpha' | 'beta'): Promise<string> {
    const data = (await request(url).get('/admin/v1/routing/health').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200)).body.data as Array<{
      connectionId: string;
      state: string;
    }>;
    return data.find((d) => d.connectionId === this.connections[bank])?.state ?? 'closed';
  }

  /** Polls `check` every 100 ms, for 30 s at most (a slow machine, not a timing claim). */
  async until(what: string, check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`never happened: ${what}${this.logs()}`);
  }

  private logs(): string {
    return `\n--- A:\n${this.a.logs()}\n--- B:\n${this.b.logs()}`;
  }
}

export const approved = (status: string): boolean => status === 'authorized' || status === 'captured';
