/*
 * A real gateway with the starter, in this process, on loopback: the public API of
 * @tender/core (`loadConfig`, `Gateway.create`, `listen`), the sandbox bank and the
 * dashboard from their packages. The database is an embedded SQLite file in a
 * temporary folder, or the database DATABASE_URL names (an empty one: the gateway
 * migrates it). Nothing outside the machine is called.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Gateway, MerchantUserRole, ScreenRegistry, TenderConfig, WebAccountService, loadConfig } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { dashboardPlugin } from '@tender/dashboard';
import { plugin as starterPlugin, renderVouchers, starterOptions, VoucherLedger } from '../src';

const ADMIN_TOKEN = 'adm_starter_test_0123456789abcdef';

interface Answer {
  readonly status: number;
  readonly body: Record<string, any>;
  readonly text: string;
  readonly location: string | null;
}

function configFor(dataDir: string, env: Record<string, string> = {}): TenderConfig {
  return loadConfig({
    TENDER_DATA_DIR: dataDir,
    ...(process.env.DATABASE_URL === undefined ? {} : { DATABASE_URL: process.env.DATABASE_URL }),
    TENDER_MASTER_KEY: randomBytes(32).toString('base64'),
    TENDER_ADMIN_TOKEN: ADMIN_TOKEN,
    TENDER_PUBLIC_URL: 'http://127.0.0.1',
    TENDER_LOG_LEVEL: 'silent',
    TENDER_RECONCILE_INTERVAL_MS: '0',
    ...env,
  });
}

describe('a gateway with the starter plugin', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'starter-gateway-'));
  let gateway: Gateway;
  let base = '';
  let key = '';
  let otherKey = '';
  let merchantId = '';

  async function call(method: string, pathname: string, body?: unknown, token = key): Promise<Answer> {
    const res = await fetch(`${base}${pathname}`, {
      method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: Record<string, any> = {};
    try {
      parsed = JSON.parse(text) as Record<string, any>;
    } catch {
      // an HTML page
    }
    return { status: res.status, body: parsed, text, location: res.headers.get('location') };
  }

  async function payment(amount: number, token = key): Promise<{ id: string; payment_url: string }> {
    const res = await call('POST', '/v1/payments', { amount, currency: 'RUB', order_id: `starter-${randomBytes(4).toString('hex')}` }, token);
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; payment_url: string };
  }

  async function issue(amount: number, token = key): Promise<{ id: string; code: string }> {
    const res = await call('POST', '/v1/vouchers', { amount, currency: 'RUB' }, token);
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; code: string };
  }

  const confirmWith = (paymentId: string, code: unknown): Promise<Answer> =>
    call('POST', `/v1/payments/${paymentId}/confirm`, { payment_method: { type: 'voucher', voucher: { code } } });

  /** The plugin's tables, whole: what "nothing changed" compares. */
  async function ledgerRows(): Promise<unknown> {
    return { vouchers: await gateway.db('starter_vouchers').orderBy('id'), operations: await gateway.db('starter_voucher_operations').orderBy('reference') };
  }

  async function balanceOf(id: string): Promise<number> {
    const row = (await gateway.db('starter_vouchers').where({ id }).first()) as { balance: number | string };
    return Number(row.balance);
  }

  /**
   * A merchant user of this shop signed in to the dashboard through its real sign-in
   * form, with the session's cookies kept (a small cookie jar over fetch).
   */
  async function signIn(role: MerchantUserRole): Promise<{ get(p: string): Promise<Answer>; post(p: string, form: Record<string, string>): Promise<Answer> }> {
    const email = `${role}-${randomBytes(4).toString('hex')}@voucher-shop.example`;
    const password = 'correct horse battery staple';
    await gateway.container.resolve(WebAccountService).createMerchantUser({ merchantId, email, role, password });
    const jar = new Map<string, string>();
    const send = async (method: string, pathname: string, form?: Record<string, string>): Promise<Answer> => {
      const res = await fetch(`${base}${pathname}`, {
        method,
        redirect: 'manual',
        headers: {
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() }),
      });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair = ''] = cookie.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return { status: res.status, body: {}, text: await res.text(), location: res.headers.get('location') };
    };
    const form = await send('GET', '/dashboard/signin');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const signedIn = await send('POST', '/dashboard/signin', { _csrf: token, email, password });
    assert.equal(signedIn.status, 303, signedIn.text);
    return { get: (p) => send('GET', p), post: (p, f) => send('POST', p, f) };
  }

  before(async () => {
    gateway = await Gateway.create(
      configFor(dataDir, { TENDER_ROUTING_STRATEGY: 'starter-preferred-banks', TENDER_PLUGIN_STARTER_PREFERRED_BANKS: 'alfa,beta' }),
      {
        plugins: [sandboxPlugin, starterPlugin, dashboardPlugin],
      },
    );
    const address = await gateway.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
    const shop = await call('POST', '/admin/v1/merchants', { name: 'Voucher Shop', email: 'owner@voucher-shop.example' }, ADMIN_TOKEN);
    assert.equal(shop.status, 201, shop.text);
    key = String(shop.body.test_secret_key);
    merchantId = String(shop.body.id);
    const other = await call('POST', '/admin/v1/merchants', { name: 'Other Shop', email: 'owner@other-shop.example' }, ADMIN_TOKEN);
    otherKey = String(other.body.test_secret_key);
  });

  after(async () => {
    await gateway.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('migrated its tables and activated its routing strategy', async () => {
    const migrated = (await gateway.db('tender_plugin_migrations').where({ plugin: 'tender-plugin-starter' })) as Array<{ name: string }>;
    assert.deepEqual(
      migrated.map((m) => m.name),
      ['001-starter-vouchers'],
    );
    const strategies = await call('GET', '/admin/v1/routing/strategies', undefined, ADMIN_TOKEN);
    assert.equal(strategies.status, 200, strategies.text);
    assert.ok(JSON.stringify(strategies.body).includes('"name":"starter-preferred-banks","wraps":"rules","active":true'), strategies.text);
  });

  test('issues a voucher, shows its code once, and refuses bad amounts writing nothing', async () => {
    const voucher = await issue(5000);
    assert.match(voucher.code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    const read = await call('GET', `/v1/vouchers/${voucher.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.balance, 5000);
    assert.equal(read.body.code, undefined);
    assert.equal(JSON.stringify(await gateway.db('starter_vouchers')).includes(voucher.code.replace(/-/g, '')), false, 'the table keeps no code');
    const before = await ledgerRows();
    for (const body of [
      { amount: 0, currency: 'RUB' },
      { amount: 10.5, currency: 'RUB' },
      { amount: 5_000_001, currency: 'RUB' },
      { amount: 100, currency: 'USD' },
      { amount: 100, currency: 'RUB', code: 'MINE' },
    ]) {
      const res = await call('POST', '/v1/vouchers', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(String(res.body.error?.code), /^parameter_(invalid|unknown)$/);
    }
    assert.equal((await call('GET', `/v1/vouchers/${voucher.id}`, undefined, otherKey)).status, 404, 'another merchant does not see it');
    assert.deepEqual(await ledgerRows(), before);
  });

  test('pays with a voucher through the API: the balance drops, the ledger records it, a refund gives back', async () => {
    const voucher = await issue(5000);
    const p = await payment(3000);
    const res = await confirmWith(p.id, voucher.code.toLowerCase().replace(/-/g, ' '));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'captured');
    assert.equal(res.body.card, null);
    assert.equal(await balanceOf(voucher.id), 2000);
    const ops = (await gateway.db('starter_voucher_operations').where({ voucher_id: voucher.id })) as Array<{
      kind: string;
      amount: number | string;
      payment_id: string;
    }>;
    assert.deepEqual(
      ops.map((o) => [o.kind, Number(o.amount), o.payment_id]),
      [['redeem', 3000, p.id]],
    );
    const refund = await call('POST', '/v1/refunds', { payment_id: p.id, amount: 500 });
    assert.equal(refund.status, 201, refund.text);
    assert.equal(await balanceOf(voucher.id), 2500);
  });

  test("refuses an unknown code, another shop's code, a spent code and too large an amount, changing nothing", async () => {
    const voucher = await issue(1000);
    const spend = await payment(1000);
    assert.equal((await confirmWith(spend.id, voucher.code)).body.status, 'captured');
    const theirs = await issue(1000, otherKey);
    const p = await payment(800);
    const big = await issue(500);
    const before = await ledgerRows();
    for (const [code, error] of [
      ['0000-0000-0000-0000', 'parameter_invalid'],
      [theirs.code, 'parameter_invalid'],
      [voucher.code, 'amount_too_large'],
      [big.code, 'amount_too_large'],
      ['<script>', 'parameter_invalid'],
    ] as const) {
      const res = await confirmWith(p.id, code);
      assert.equal(res.status, 400, `${code}: ${res.text}`);
      assert.equal(res.body.error.code, error, code);
      assert.equal(res.body.error.param, 'payment_method.voucher.code');
      assert.doesNotMatch(res.text, /<script>/);
    }
    assert.deepEqual(await ledgerRows(), before);
    assert.equal((await call('GET', `/v1/payments/${p.id}`)).body.status, 'pending');
  });

  test('spends a voucher once when two payments race for it', async () => {
    const voucher = await issue(1000);
    const [a, b] = [await payment(1000), await payment(1000)];
    const answers = await Promise.all([confirmWith(a.id, voucher.code), confirmWith(b.id, voucher.code)]);
    const paid = answers.filter((r) => r.body.status === 'captured');
    assert.equal(paid.length, 1, answers.map((r) => r.text).join('\n'));
    // The loser is refused before anything is written (it read the spent balance) or declined by the ledger's conditional update.
    const loser = answers.find((r) => r.body.status !== 'captured');
    assert.ok(loser?.body.error?.code === 'amount_too_large' || loser?.body.failure_code === 'insufficient_funds', loser?.text);
    assert.equal(await balanceOf(voucher.id), 0);
    assert.equal((await gateway.db('starter_voucher_operations').where({ voucher_id: voucher.id, kind: 'redeem' })).length, 1);
  });

  test("shows its part inside the hosted page's island and pays through it; a refusal there charges nothing", async () => {
    const voucher = await issue(2000);
    const p = await payment(1500);
    const token = p.payment_url.split('/pay/')[1] ?? '';
    const page = await fetch(`${base}/pay/${token}`);
    const src = /id="payment-island" src="([^"]+)"/.exec(await page.text())?.[1];
    assert.ok(src !== undefined, 'the page frames the payment form island');
    const island = await (await fetch(`${base}${src.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=')}`)).text();
    assert.match(island, /<h2 id="voucher-option-title">Pay with a voucher<\/h2>/);
    const part = island.slice(island.indexOf('id="voucher-option"'));
    const action = /<form[^>]*action="([^"]+)"/.exec(part)?.[1];
    assert.equal(action, `/pay/${token}/voucher`);
    // The page's form token is good for one post; each island carries the next.
    const tokenOf = (html: string): string => /name="form_token" value="([0-9A-Za-z]+)"/.exec(html.slice(html.indexOf('id="voucher-option"')))?.[1] ?? '';
    const post = (code: string, formToken: string) =>
      fetch(`${base}${action}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ form_token: formToken, code }).toString(),
      });
    const before = await ledgerRows();
    const refused = await post('"><script>alert(1)</script>', tokenOf(part));
    assert.equal(refused.status, 422);
    const refusedIsland = /id="payment-island" src="([^"]+)"/.exec(await refused.text())?.[1] ?? '';
    const again = await (await fetch(`${base}${refusedIsland.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=')}`)).text();
    assert.match(again, /This is not a voucher of this shop for this currency/);
    assert.doesNotMatch(again, /<script>alert/);
    assert.deepEqual(await ledgerRows(), before);
    const paid = await post(voucher.code, tokenOf(again));
    assert.equal(paid.status, 303);
    assert.equal((await call('GET', `/v1/payments/${p.id}`)).body.status, 'captured');
    assert.equal(await balanceOf(voucher.id), 500);
  });

  test("its dashboard screen lists only the merchant's vouchers in the mode shown, escaped, and lets owners issue one", async () => {
    const screen = gateway.container
      .resolve(ScreenRegistry)
      .list('dashboard')
      .find((s) => s.path === '/vouchers');
    assert.equal(screen?.plugin, 'tender-plugin-starter');
    assert.deepEqual(screen?.roles, ['owner', 'developer']);
    assert.equal((await fetch(`${base}/dashboard/vouchers`, { redirect: 'manual' })).status, 303, 'behind the sign-in');

    const owner = await signIn('owner');
    const page = await owner.get('/dashboard/vouchers?last4=%22%3E%3Cb%3E');
    assert.equal(page.status, 200);
    assert.match(page.text, /<code>&quot;&gt;&lt;b&gt;<\/code>/);
    assert.doesNotMatch(page.text, /"><b>/);
    const count = async (): Promise<number> => (await gateway.db('starter_vouchers').where({ merchant_id: merchantId, livemode: false })).length;
    const listed = (await owner.get('/dashboard/vouchers')).text;
    assert.equal((listed.match(/<tr><td>/g) ?? []).length, await count(), 'every test-mode voucher of this merchant, no other');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(listed)?.[1] ?? '';

    const before = await ledgerRows();
    assert.equal((await owner.post('/dashboard/vouchers', { amount: '10' })).status, 403, 'no CSRF token');
    const bad = await owner.post('/dashboard/vouchers', { _csrf: csrf, amount: '<b>1', currency: 'RUB' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="voucher-problem"/);
    assert.doesNotMatch(bad.text, /<b>1/);
    assert.equal((await owner.post('/dashboard/vouchers', { _csrf: csrf, amount: '50000.01', currency: 'RUB' })).status, 400, 'above maxVoucherAmount');
    assert.deepEqual(await ledgerRows(), before);

    const issued = await owner.post('/dashboard/vouchers', { _csrf: csrf, amount: '12.34', currency: 'RUB' });
    assert.equal(issued.status, 201, issued.text);
    const code = /<code id="voucher-new-code">([0-9A-Z-]+)<\/code>/.exec(issued.text)?.[1] ?? '';
    assert.match(code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    const p = await payment(1234);
    assert.equal((await confirmWith(p.id, code)).body.status, 'captured', 'the code shown once pays');
    assert.doesNotMatch((await owner.get('/dashboard/vouchers')).text, new RegExp(code), 'and is not shown again');

    const developer = await signIn('developer');
    const seen = await developer.get('/dashboard/vouchers');
    assert.equal(seen.status, 200);
    assert.doesNotMatch(seen.text, /voucher-issue-form/);
    const developerCsrf = /<meta name="csrf-token" content="([^"]+)">/.exec(seen.text)?.[1] ?? '';
    const refused = await developer.post('/dashboard/vouchers', { _csrf: developerCsrf, amount: '1', currency: 'RUB' });
    assert.equal(refused.status, 403);
    assert.match(refused.text, /Only owners issue vouchers/);
    assert.equal((await (await signIn('support')).get('/dashboard/vouchers')).status, 403);

    const ledger = new VoucherLedger(gateway.db, { now: () => Date.now() });
    const viewer = { realm: 'merchant', accountId: 'wac_1', role: 'owner', merchantId, mode: 'live', locale: 'en' } as const;
    assert.match(
      await renderVouchers(ledger, starterOptions.parse({}), { viewer, query: {}, csrfToken: 't' }, undefined),
      /id="voucher-empty"/,
      'live mode shows no test voucher',
    );
  });

  test('a bad option stops the start, naming the plugin and the option, before anything is written', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'starter-bad-option-'));
    try {
      await assert.rejects(
        Gateway.create(configFor(elsewhere, { TENDER_PLUGIN_STARTER_MAX_VOUCHER_AMOUNT: 'plenty' }), { plugins: [sandboxPlugin, starterPlugin] }),
        /plugin tender-plugin-starter: option maxVoucherAmount: .*TENDER_PLUGIN_STARTER_MAX_VOUCHER_AMOUNT/,
      );
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
