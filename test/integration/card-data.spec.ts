import assert from 'node:assert/strict';
import fs from 'node:fs';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';

/**
 * PCI DSS 3.3.1 / 3.4.1 / 3.5.1: after payments, the full PAN appears nowhere but
 * encrypted in the vault, and the CVC appears nowhere at all: not in any row, not
 * in the database file on disk (SQLite), not in the logs.
 */
describe('card data at rest and in logs', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  const CVC = '9731';
  const PANS = [CARDS.visa, CARDS.mir, CARDS.doNotHonor, CARDS.timeout];

  before(async () => {
    t = await startTestGateway({ captureLogs: true });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    for (const pan of PANS) {
      const p = await shop.createPayment({ capture_method: 'manual' });
      await shop.post(`/v1/payments/${p.id}/confirm`, card(pan, { cvc: CVC, holder_name: 'IVAN PETROV' }), `confirm-${pan.slice(-4)}`).expect(200);
    }
    const refundable = await shop.pay(CARDS.visa);
    await shop.post('/v1/refunds', { payment_id: refundable.id, amount: 100 }).expect(201);
    // A rejected request with a card in it, too.
    await shop.post('/v1/payments/pay_unknown123/confirm', card(CARDS.mastercard, { cvc: CVC })).expect(404);
    await shop.post('/v1/payments', '{"card":"5555555555554444",').set('Content-Type', 'application/json');
  });
  after(() => t.close());

  async function allRows(): Promise<Array<[string, Record<string, unknown>]>> {
    const out: Array<[string, Record<string, unknown>]> = [];
    for (const table of ['merchants', 'api_keys', 'card_vault', 'payments', 'refunds', 'bank_operations', 'events', 'idempotency_keys']) {
      for (const row of await t.gateway.db(table).select('*')) out.push([table, row]);
    }
    return out;
  }

  it('no row holds a full PAN, the CVC or the cardholder name', async () => {
    for (const [table, row] of await allRows()) {
      for (const [column, value] of Object.entries(row)) {
        const text = value === null || value === undefined ? '' : String(value);
        for (const pan of [...PANS, CARDS.mastercard]) assert.ok(!text.includes(pan), `${table}.${column} holds a PAN`);
        assert.notEqual(text, CVC, `${table}.${column} holds the CVC`);
        assert.ok(!/"cvc"|cvc/i.test(column) && !/"cvc"\s*:/.test(text), `${table}.${column} mentions a cvc`);
        assert.ok(!text.includes('IVAN PETROV'), `${table}.${column} holds the cardholder name`);
      }
    }
  });

  it('shows cards only as brand, BIN and last 4, and the vault can still decrypt them', async () => {
    const rows = await t.gateway.db('payments').whereNotNull('card_token');
    assert.ok(rows.length >= PANS.length);
    const { CardVault } = await import('@tender/core/dist/vault/card-vault');
    const vault = t.gateway.container.resolve(CardVault);
    for (const row of rows) {
      assert.equal(String(row.card_bin).length, 6);
      assert.equal(String(row.card_last4).length, 4);
      const pan = await vault.reveal(row.card_token!, row.merchant_id, false);
      assert.ok(pan !== undefined && pan.startsWith(row.card_bin!) && pan.endsWith(row.card_last4!));
      assert.equal(await vault.reveal(row.card_token!, 'mer_someoneelse', false), undefined, 'the vault is scoped by merchant');
    }
  });

  it('the SQLite file on disk holds neither the PAN nor the CVC next to its field', async function () {
    if (t.database.sqliteFile === undefined) this.skip();
    await t.gateway.db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    for (const file of [t.database.sqliteFile, `${t.database.sqliteFile}-wal`]) {
      if (!fs.existsSync(file)) continue;
      const bytes = fs.readFileSync(file).toString('latin1');
      for (const pan of [...PANS, CARDS.mastercard]) assert.ok(!bytes.includes(pan), `${file} holds a PAN`);
      assert.ok(!bytes.includes(`"cvc":"${CVC}"`) && !bytes.includes('IVAN PETROV'), `${file} holds the CVC or the name`);
    }
  });

  it('the logs hold neither the PAN nor the CVC', () => {
    const logs = t.logs();
    assert.ok(logs.length > 0, 'nothing was logged; the test would prove nothing');
    for (const pan of [...PANS, CARDS.mastercard]) assert.ok(!logs.includes(pan), 'a PAN reached the log');
    for (const line of logs.split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const walk = (v: unknown, key: string): void => {
        if (typeof v === 'string') assert.ok(v !== CVC && !v.includes(`cvc":"${CVC}`), `the CVC reached the log under ${key}`);
        else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
      };
      walk(entry, '');
    }
  });
});
