import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Database, Gateway, TenderConfig, appliedPluginMigrations, createDatabase, loadConfig } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as isoPlugin } from '@tender/adapter-iso8583';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { createSaleorPlugin } from '@tender/plugin-saleor';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { TestDatabase, createTestDatabase } from '../support/test-database';
import { BankSimProcess } from '../support/bank-sim-process';
import { MerchantClient, CARDS, card } from '../support/merchant-client';
import { ASSIST, enableAssist, postForm, signOrder } from '../support/assist-shop';
import { ADMIN_TOKEN } from '../support/test-gateway';
import { migrateLegacy } from '../support/legacy-migrations';
import { PayerDevice, admin, confirmSigned, enrolPayer, pageTokenOf } from '../support/payer-app';

/** Bookkeeping of the migrators: the one thing allowed to differ between the databases. */
const TRACKING = new Set(['tender_migrations', 'tender_migrations_lock', 'tender_plugin_migrations', 'tender_plugin_migrations_lock']);

/** The accounts plugin's tables, made by core's 008-certificates in the old database. */
const ACCOUNT_TABLES = [
  'certificate_authorities',
  'payers',
  'payer_accounts',
  'payer_certificates',
  'signed_request_nonces',
  'account_payments',
  'merchant_account_payments',
];
const ACCOUNT_NUMBER = '40817810000000000001';

/**
 * What migrations after 015 added (core 020, 030, 032, 033, 034, 035, 036 and 039, the ISO plugin's 002 and 003):
 * the old database does not have them before the upgrade, and the upgrade adds them.
 */
const ADDED_TABLES = new Set([
  'assist_orders',
  'bank_operator_alerts',
  'card_tokens',
  'iso8583_centres',
  'onboarding_documents',
  'saleor_customers',
  'sent_notices',
]);
// Core 045: the returns of late payments (LatePaymentReturns).
ADDED_TABLES.add('late_payment_returns');
const ADDED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  iso8583_journal: [
    'payment_id',
    'reversal_tries',
    'reversal_at',
    'reversal_code',
    'pan_sealed',
    'account',
    'adapter_code',
    'processing_code',
    'batch',
    'advice_sealed',
  ],
  webhook_deliveries: ['lease_token', 'delivered_started_at', 'delivered_status_code', 'delivered_latency_ms', 'delivered_excerpt'],
  webhook_endpoints: ['retrying_since'],
  merchants: ['bank_chosen_at', 'contract_signed_at', 'locale', 'time_zone'],
  payments: [
    'method_type',
    'customer_id',
    'setup_future_usage',
    'off_session',
    'payment_method_id',
    'network_reference',
    'amount_gross',
    'amount_discount',
    'next_action',
    'next_action_expires_at',
  ],
  assist_merchants: ['currencies', 'return_url_hosts'],
  events: ['fanout'],
  bank_operations: ['connection_id', 'bank_code', 'route_reason', 'attempt_result'],
  risk_key_locks: ['seq'],
};
// 042-risk-buckets (a line of its own, so later migrations add theirs beside it).
ADDED_TABLES.add('risk_key_buckets');
// 041-shared-state: job leases, shared breaker states and rate counters.
for (const table of ['job_leases', 'breaker_states', 'rate_counters']) ADDED_TABLES.add(table);

async function oldColumnsOf(db: Database, table: string): Promise<string[]> {
  const added = new Set(ADDED_COLUMNS[table] ?? []);
  return Object.keys(await db(table).columnInfo())
    .filter((c) => !added.has(c))
    .sort();
}

async function tablesOf(db: Database): Promise<string[]> {
  if (db.client.config.client === 'mysql2') {
    const [rows] = (await db.raw('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')) as [Array<{ name: string }>];
    return rows
      .map((r) => r.name)
      .filter((n) => !TRACKING.has(n))
      .sort();
  }
  const rows: Array<{ name: string }> = await db('sqlite_master').where({ type: 'table' }).andWhereNot('name', 'like', 'sqlite_%').select('name');
  return rows
    .map((r) => r.name)
    .filter((n) => !TRACKING.has(n))
    .sort();
}

async function rowsOf(db: Database, table: string, columns?: readonly string[]): Promise<string[]> {
  const rows: Array<Record<string, unknown>> = await db(table).select(...(columns ?? ['*']));
  return rows
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .sort()
          .map((k) => [k, r[k] instanceof Buffer ? (r[k] as Buffer).toString('hex') : r[k]]),
      ),
    )
    .sort();
}

/** Copies every data row of `from` into `to` (same tables), replacing what the migrations seeded. */
async function copyRows(from: Database, to: Database, tables: readonly string[]): Promise<void> {
  const mysql = to.client.config.client === 'mysql2';
  if (!mysql) await to.raw('PRAGMA foreign_keys = OFF');
  await to.transaction(async (trx) => {
    if (mysql) await trx.raw('SET FOREIGN_KEY_CHECKS = 0');
    for (const table of tables) {
      await trx(table).delete();
      const rows: Array<Record<string, unknown>> = await from(table).select(...(await oldColumnsOf(from, table)));
      for (let i = 0; i < rows.length; i += 20) await trx(table).insert(rows.slice(i, i + 20));
    }
    if (mysql) await trx.raw('SET FOREIGN_KEY_CHECKS = 1');
  });
  if (!mysql) await to.raw('PRAGMA foreign_keys = ON');
}

/**
 * Upgrade in place (issue 17 item 2). The old database is made by the frozen copy of
 * core's migrations 001-015 (test/support/legacy-migrations), which created the
 * Assist, Saleor, ISO 8583 and personal-account tables in core. Its rows are real: a
 * gateway of this version makes them on a second database through its APIs (a
 * merchant, a paid card payment, a payment from a personal account with the payer,
 * the CA and the certificate behind it, an Assist order, a Saleor installation), and
 * they are copied over, which also proves both schemas have the same tables and
 * columns. Then today's gateway starts on the old database: nothing is re-created,
 * nothing is lost, the method type of the old payments is backfilled, and it works
 * (the old payer's certificate pays again).
 * The bank is the sandbox and tender-bank-sim over loopback TCP; nothing is mocked.
 */
describe('plugin migrations: a database made by the old migrations 001-015 upgrades in place', function () {
  this.timeout(120_000);
  let sim: BankSimProcess;
  let donorDb: TestDatabase;
  let oldDb: TestDatabase;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-upgrade-'));
  const masterKey = randomBytes(32).toString('base64');
  let env: Record<string, string>;
  const plugins = [sandboxPlugin, isoPlugin, accountsPlugin, createAssistPlugin({ intervalMs: 3600_000 }), createSaleorPlugin({ intervalMs: 3600_000 })];
  const configFor = (db: TestDatabase): TenderConfig => ({ ...loadConfig(env), database: db.config });

  before(async () => {
    sim = await BankSimProcess.start();
    env = {
      TENDER_DATA_DIR: dataDir,
      TENDER_MASTER_KEY: masterKey,
      TENDER_ADMIN_TOKEN: ADMIN_TOKEN,
      TENDER_PUBLIC_URL: 'http://pay.tender.test',
      TENDER_LOG_LEVEL: 'silent',
      TENDER_RECONCILE_INTERVAL_MS: '0',
      TENDER_OUTBOUND_ALLOW_PRIVATE: 'true',
      TENDER_PLUGIN_ISO8583_HOST: '127.0.0.1',
      TENDER_PLUGIN_ISO8583_PORT: String(sim.port),
    };
    donorDb = await createTestDatabase();
    oldDb = await createTestDatabase();
  });
  after(async () => {
    await donorDb.drop();
    await oldDb.drop();
    await sim.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every row of core and plugin tables, records the moved migrations as adopted, and serves card and personal-account payments, Assist and Saleor', async () => {
    // 1. Real rows, made by this version's gateway on the donor database.
    const donor = await Gateway.create(configFor(donorDb), { plugins });
    let merchant: { id: string; key: string };
    let assistBill: string;
    let device: PayerDevice;
    let cardPayment: string;
    let accountPayment: string;
    let caPem: string;
    try {
      const created = await request(donor.app)
        .post('/admin/v1/merchants')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: 'Old Shop', email: 'old@example.com' })
        .expect(201);
      merchant = { id: created.body.id as string, key: created.body.test_secret_key as string };
      const api = new MerchantClient(donor.app, merchant.key);
      const paidByCard = await api.pay(CARDS.visa);
      assert.equal(paidByCard.status, 'captured');
      cardPayment = String(paidByCard.id);
      // A payment from a personal account: the CA, a payer with an account, its certificate, the signed confirm.
      caPem = String((await admin(donor.app).post('/ca', { common_name: 'Old payer CA' }).expect(201)).body.certificate_pem);
      await admin(donor.app).post(`/merchants/${merchant.id}/account-payments`, { enabled: true }).expect(200);
      device = await enrolPayer(donor.app, ACCOUNT_NUMBER);
      const forAccount = await api.createPayment({ amount: 25000 });
      accountPayment = String(forAccount.id);
      assert.equal(
        (await confirmSigned(donor.app, device, pageTokenOf(forAccount), { account: { number: ACCOUNT_NUMBER } }).expect(200)).body.status,
        'captured',
      );
      await enableAssist(donor.app, merchant.id);
      const form: Record<string, string> = { Merchant_ID: ASSIST.merchantId, OrderNumber: 'OLD-1', OrderAmount: '100.00', OrderCurrency: 'RUB', Delay: '0' };
      form.Checkvalue = signOrder(form);
      const location = new URL(String((await postForm(donor.app, '/pay/order.cfm', form).expect(303)).headers.location));
      const payment = await donor
        .db('payments')
        .where({ page_token: location.pathname.replace(/^\/pay\//, '') })
        .first();
      assistBill = String(payment!.id);
      await api.post(`/v1/payments/${assistBill}/confirm`, card(CARDS.mastercard)).expect(200);
      await api.post('/v1/saleor/installations', { saleor_api_url: 'http://127.0.0.1:9/graphql/' }).expect(201);
      await donor.db('iso8583_counters').where({ name: 'message' }).update({ value: 4242 });
    } finally {
      await donor.close();
    }

    // 2. The old database: the frozen migrations, then the donor's rows.
    const donorKnex = createDatabase(donorDb.config);
    const oldKnex = createDatabase(oldDb.config);
    let before: Map<string, string[]>;
    try {
      await migrateLegacy(oldKnex);
      const tables = (await tablesOf(donorKnex)).filter((t) => !ADDED_TABLES.has(t));
      assert.deepEqual(await tablesOf(oldKnex), tables, 'the old migrations and core + plugin migrations make the same tables (but for the ones added since)');
      for (const table of tables) {
        assert.deepEqual(Object.keys(await oldKnex(table).columnInfo()).sort(), await oldColumnsOf(donorKnex, table), `columns of ${table}`);
      }
      await copyRows(donorKnex, oldKnex, tables);
      before = new Map();
      for (const table of tables) before.set(table, await rowsOf(oldKnex, table));
      assert.ok(
        (before.get('assist_merchants') ?? []).length === 1 &&
          (before.get('saleor_installations') ?? []).length === 1 &&
          (before.get('payments') ?? []).length === 3,
      );
      for (const table of ACCOUNT_TABLES) assert.ok((before.get(table) ?? []).length >= 1, `the old database has rows in ${table}`);
      const names = (await oldKnex('tender_migrations').select('name')).map((r: { name: string }) => r.name);
      assert.ok(names.includes('008-certificates') && names.includes('009-assist') && names.includes('015-saleor-install-secrets'));
    } finally {
      await donorKnex.destroy();
      await oldKnex.destroy();
    }

    // 3. Today's gateway on the old database.
    const gateway = await Gateway.create(configFor(oldDb), { plugins });
    try {
      // The ISO 8583 link reserves a block of message numbers when it starts: its counter moves on, from where it was.
      for (const [table, rows] of before)
        if (table !== 'iso8583_counters')
          assert.deepEqual(await rowsOf(gateway.db, table, await oldColumnsOf(gateway.db, table)), rows, `rows of ${table} after the upgrade`);
      for (const table of ADDED_TABLES) assert.ok(await gateway.db.schema.hasTable(table), `${table} added by the upgrade`);
      assert.ok(
        Number((await gateway.db('iso8583_counters').where({ name: 'message' }).first()).value) > 4242,
        'the STAN counter went on from the old value, not from a new table',
      );
      const core = (await gateway.db('tender_migrations').select('name')).map((r: { name: string }) => r.name);
      assert.ok(core.includes('016-plugin-migrations') && core.includes('005-routing') && core.includes('031-accounts-plugin-tables'));
      for (const moved of ['008-certificates', '009-assist', '010-saleor', '014-saleor-outside-refunds', '015-saleor-install-secrets'])
        assert.ok(!core.includes(moved), `${moved} left core's list`);
      // 032 backfilled how the old payments were paid: the card columns, the accounts plugin's account_payments.
      const methodOf = async (id: string) => (await gateway.db('payments').where({ id }).first())!.method_type;
      assert.equal(await methodOf(cardPayment), 'card');
      assert.equal(await methodOf(accountPayment), 'account');
      assert.equal(await methodOf(assistBill), 'card');
      const applied = (await appliedPluginMigrations(gateway.db)).map((m) => [m.plugin, m.name, m.adoptedFrom]).sort();
      assert.deepEqual(applied, [
        ['@tender/adapter-iso8583', '001-iso8583-link', '005-routing'],
        // Newer than the old database: applied by the upgrade, not adopted.
        ['@tender/adapter-iso8583', '002-iso8583-reversals', null],
        ['@tender/adapter-iso8583', '003-iso8583-centres', null],
        ['@tender/plugin-accounts', '001-accounts-tables', '008-certificates'],
        ['@tender/plugin-assist-compat', '001-assist-tables', '009-assist'],
        ['@tender/plugin-assist-compat', '002-assist-orders', null],
        ['@tender/plugin-saleor', '001-saleor-tables', '010-saleor'],
        ['@tender/plugin-saleor', '002-saleor-outside-refunds', '014-saleor-outside-refunds'],
        ['@tender/plugin-saleor', '003-saleor-install-secrets', '015-saleor-install-secrets'],
        ['@tender/plugin-saleor', '004-saleor-customers', null],
      ]);

      // It works: a payment created and confirmed with the old key, the old Assist order, the old Saleor installation.
      const api = new MerchantClient(gateway.app, merchant.key);
      const paid = await api.pay(CARDS.mir);
      assert.equal(paid.status, 'captured');
      const state = await postForm(gateway.app, '/orderstate/orderstate.cfm', {
        Merchant_ID: ASSIST.merchantId,
        Login: ASSIST.login,
        Password: ASSIST.password,
        Billnumber: assistBill,
        Format: '5',
      }).expect(200);
      assert.equal(state.body.orderstate.firstcode, 0);
      assert.equal(state.body.orderstate.order[0].orderstate, 'Approved');
      assert.equal(state.body.orderstate.order[0].ordernumber, 'OLD-1');
      const installations = (await api.get('/v1/saleor/installations').expect(200)).body as { data: Array<{ saleor_api_url: string }> };
      assert.deepEqual(
        installations.data.map((i) => i.saleor_api_url),
        ['http://127.0.0.1:9/graphql/'],
      );
      // The old CA, payer and certificate: the CA is the same and the old certificate pays a new payment.
      assert.equal(String((await admin(gateway.app).get('/ca').expect(200)).body.certificate_pem), caPem);
      const next = await api.createPayment({ amount: 1000 });
      assert.equal((await confirmSigned(gateway.app, device, pageTokenOf(next), { account: { number: ACCOUNT_NUMBER } }).expect(200)).body.status, 'captured');
      assert.equal(await methodOf(String(next.id)), 'account');
    } finally {
      await gateway.close();
    }

    // 4. A second start changes nothing more.
    const again = await Gateway.create(configFor(oldDb), { plugins });
    try {
      assert.equal((await appliedPluginMigrations(again.db)).length, 10);
    } finally {
      await again.close();
    }
  });
  it('adopts the accounts tables when the upgraded gateway runs without @tender/plugin-accounts, and the plugin added later finds them', async () => {
    const bare = await createTestDatabase();
    // Without the ISO 8583 plugin, its options would name no loaded plugin.
    const bareEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('TENDER_PLUGIN_ISO8583_')));
    const bareConfig: TenderConfig = { ...loadConfig(bareEnv), database: bare.config };
    try {
      const knex = createDatabase(bare.config);
      try {
        await migrateLegacy(knex);
        await knex('payers').insert({ id: 'pyr_old', name: 'Old Payer', email: null, created_at: 1 });
      } finally {
        await knex.destroy();
      }
      const without = await Gateway.create(bareConfig, { plugins: [sandboxPlugin] });
      try {
        for (const table of ACCOUNT_TABLES) assert.ok(await without.db.schema.hasTable(table), `${table} kept`);
        assert.deepEqual(
          (await appliedPluginMigrations(without.db)).filter((m) => m.plugin === '@tender/plugin-accounts').map((m) => [m.name, m.adoptedFrom]),
          [['001-accounts-tables', '008-certificates']],
        );
        assert.equal((await without.db('tender_migrations').where({ name: '008-certificates' })).length, 0);
        assert.equal(
          (
            await new MerchantClient(
              without.app,
              (
                await request(without.app)
                  .post('/admin/v1/merchants')
                  .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
                  .send({ name: 'Shop', email: 'shop@example.com' })
                  .expect(201)
              ).body.test_secret_key as string,
            ).pay(CARDS.visa)
          ).status,
          'captured',
        );
      } finally {
        await without.close();
      }
      const withIt = await Gateway.create(bareConfig, { plugins: [sandboxPlugin, accountsPlugin] });
      try {
        assert.equal((await appliedPluginMigrations(withIt.db)).filter((m) => m.plugin === '@tender/plugin-accounts').length, 1, 'not run again');
        assert.equal(String((await admin(withIt.app).get('/payers/pyr_old').expect(200)).body.name), 'Old Payer');
      } finally {
        await withIt.close();
      }
    } finally {
      await bare.drop();
    }
  });
});
