import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Knex } from 'knex';
import { CardVault, Clock, Database, Gateway, TenderPlugin, inTransaction, loadConfig } from '@tender/core';
import { MerchantClient, card } from './merchant-client';
import { TestDatabase, createTestDatabase } from './test-database';
import { ADMIN_TOKEN } from './test-gateway';

/** A customer of the merchant with one saved card. */
export interface CustomerWithCard {
  readonly customer: string;
  readonly paymentMethod: string;
}

/**
 * Makes a customer and saves a card for them the way a shop does: a payment with
 * `customer`, `setup_future_usage` and `confirm: true` that the bank approves; the
 * plugin saves the card (`pm_...`) with the payment.
 *
 * @example
 * ```ts
 * const { customer, paymentMethod } = await customerWithCard(shop, { email: 'buyer@example.com' });
 * ```
 */
export async function customerWithCard(
  shop: MerchantClient,
  options: { email?: string; number?: string; usage?: 'off_session' | 'on_session'; expYear?: number; amount?: number } = {},
): Promise<CustomerWithCard> {
  const customer = (await shop.post('/v1/customers', { email: options.email ?? 'buyer@example.com', name: 'Buyer' }).expect(201)).body as { id: string };
  const method = card(options.number ?? '4242424242424242', options.expYear === undefined ? {} : { exp_year: options.expYear });
  const paid = await shop.post('/v1/payments', {
    amount: options.amount ?? 20000,
    currency: 'RUB',
    order_id: `save-${customer.id}`,
    customer: customer.id,
    setup_future_usage: options.usage ?? 'off_session',
    confirm: true,
    ...method,
  });
  assert.equal(paid.status, 201, JSON.stringify(paid.body));
  assert.equal(paid.body.status, 'captured', JSON.stringify(paid.body));
  const methods = (await shop.get(`/v1/customers/${customer.id}/payment_methods`).expect(200)).body as { data: Array<{ id: string }> };
  assert.equal(methods.data.length, 1, 'the card was saved');
  return { customer: customer.id, paymentMethod: methods.data[0].id };
}

/**
 * Points a saved card at another card number in the vault. The sandbox bank answers
 * by card number, so this is how a test models a saved card whose account later has
 * no funds (4000 0000 0000 9995), is refused by its issuer (4000 0000 0000 0002), or
 * pays again (4242 4242 4242 4242): the same `pm_...`, a different answer from the bank.
 */
export async function pointSavedCardAt(gateway: Gateway, merchantId: string, paymentMethod: string, pan: string): Promise<void> {
  const vault = gateway.container.resolve(CardVault);
  await inTransaction(gateway.db, async (trx) => {
    const stored = await vault.store(trx, { merchantId, livemode: false, pan });
    const changed = await trx('customer_payment_methods')
      .where({ id: paymentMethod, merchant_id: merchantId, livemode: false })
      .update({ vault_id: stored.id });
    assert.equal(changed, 1, `no saved card ${paymentMethod}`);
  });
}

/**
 * Gateway processes sharing one database, as a deployment with several instances
 * runs: each its own Gateway (own pool, own container, own background job loops),
 * all on the same configuration (master key, data directory) and on one clock the
 * test moves. `restart(i)` closes instance i (it finishes what it was doing, as on
 * SIGTERM) and starts a new one in its place.
 */
export class GatewayCluster {
  private constructor(
    readonly database: TestDatabase,
    private readonly dataDir: string,
    private readonly start: () => Promise<Gateway>,
    readonly instances: Gateway[],
  ) {}

  static async create(size: number, options: { clock: Clock; plugins: readonly TenderPlugin[]; env?: Record<string, string> }): Promise<GatewayCluster> {
    const database = await createTestDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-cluster-'));
    const config = {
      ...loadConfig({
        TENDER_DATA_DIR: dataDir,
        TENDER_MASTER_KEY: randomBytes(32).toString('base64'),
        TENDER_ADMIN_TOKEN: ADMIN_TOKEN,
        TENDER_PUBLIC_URL: 'http://pay.tender.test',
        TENDER_LOG_LEVEL: 'silent',
        TENDER_RECONCILE_INTERVAL_MS: '0',
        ...options.env,
      }),
      database: database.config,
    };
    const start = async (): Promise<Gateway> => {
      const gateway = await Gateway.create(config, { plugins: options.plugins, clock: options.clock });
      gateway.startBackgroundJobs();
      return gateway;
    };
    const instances: Gateway[] = [];
    // One after the other: the first migrates, the others find the schema in place.
    for (let i = 0; i < size; i++) instances.push(await start());
    return new GatewayCluster(database, dataDir, start, instances);
  }

  get(i: number): Gateway {
    const g = this.instances[i];
    if (g === undefined) throw new Error(`no instance ${i}`);
    return g;
  }

  async restart(i: number): Promise<void> {
    await this.get(i).close();
    this.instances[i] = await this.start();
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((g) => g.close()));
    await this.database.drop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Waits until nothing due at the clock's time is left undone: no live schedule whose
 * next attempt is due, no attempt open, no upcoming-charge notice pending, no e-mail
 * waiting to be sent (a message still being sent when the test moves the clock a day
 * would outlive its lease and be sent again by another instance).
 */
export async function schedulesSettled(db: Database, clock: Clock, what: string, timeoutMs = 60_000): Promise<void> {
  const day = 86_400_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = clock.now();
    const count = async (q: Knex.QueryBuilder): Promise<number> => Number(((await q.count({ n: '*' }).first()) as { n: unknown } | undefined)?.n);
    const due = await count(db('charge_schedules').whereIn('status', ['active', 'past_due']).andWhere('next_charge_at', '<=', now));
    const open = await count(db('schedule_charges').where({ status: 'processing' }));
    const notices = await count(
      db('charge_schedules')
        .where({ status: 'active', next_attempt: 0 })
        .andWhere('next_charge_at', '>', now)
        .andWhere('next_charge_at', '<=', now + 3 * day)
        .andWhereRaw('upcoming_noticed_period < next_period'),
    );
    const mail = await count(db('email_outbox').where({ status: 'pending' }));
    if (due + open + notices + mail === 0) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${due} due, ${open} open, ${notices} notices, ${mail} e-mails`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
