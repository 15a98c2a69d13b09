import assert from 'node:assert/strict';
import request from 'supertest';
import { ZodFastCheck } from 'zod-fast-check';
import { z } from 'zod';
import fc from 'fast-check';
import { MAX_AMOUNT, WebAccountService } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { assistSettingsSchema } from '@tender/plugin-assist-compat/dist/assist-settings.service';
import { createSaleorPlugin } from '@tender/plugin-saleor';
import { StatusLink } from '@tender/core/dist/notifications/status-link';
import { createPaymentSchema, capturePaymentSchema, confirmPaymentSchema, amountField, currencyField } from '@tender/core/dist/payments/payment-input';
import { createRefundSchema } from '@tender/core/dist/refunds/refund-input';
import { createPaymentLinkSchema } from '@tender/core/dist/payment-links/payment-link.service';
import { createEndpointSchema, rotateSecretSchema } from '@tender/core/dist/notifications/webhooks/webhook-endpoint-input';
import { brandingSchema } from '@tender/core/dist/branding/branding-input';
import { companyDetailsSchema } from '@tender/core/dist/merchants/company-details';
import { createMerchantSchema } from '@tender/core/dist/merchants/merchant.service';
import { ruleSetSchema } from '@tender/core/dist/monitoring/risk-settings';
import { routingRuleSetSchema } from '@tender/core/dist/routing/routing-rules';
import { createBankSchema, updateBankSchema } from '@tender/core/dist/banks/bank-catalogue.service';
import { accountSchema, createPayerSchema } from '@tender/plugin-accounts/dist/certificates/payer.service';
import { recordContractSchema } from '@tender/core/dist/merchants/onboarding.service';
import { fields } from '@tender/core/dist/http/validation';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient, CARDS, card } from '../support/merchant-client';
import { RowCounter, RowCounts } from '../support/row-counts';
import { FakeSaleor } from '../support/saleor-fixtures';
import { WEB_PASSWORD } from '../support/web-session';
import { routeInventory } from '../support/fuzz/route-inventory';
import { CrawledForm, formsOf } from '../support/fuzz/form-crawler';
import { FuzzContext, FuzzRequest, requestsFor } from '../support/fuzz/fuzz-requests';

/**
 * Issue 16, item 6: every route of a gateway with the plugins the tests use (sandbox,
 * Assist, Saleor; the ISO 8583 adapter adds no route) gets generated hostile requests:
 * valid bodies from the zod schemas and hand-written samples with one field made
 * hostile, random JSON, deep and huge bodies, wrong content types and encodings, path
 * traversal, odd methods, valid, foreign and garbage credentials, CSRF tokens of
 * another byte length. What must hold:
 *
 * - no response is a 5xx;
 * - a refused request (4xx) changes the row count of no table, except the documented
 *   bookkeeping of refusals (ALLOWED_ON_REFUSAL);
 * - afterwards no stored text holds NUL, other control characters (tab, CR and LF
 *   excepted) or bidi overrides.
 *
 * A fixed seed and a bounded number of requests per route keep a run to about a
 * minute; TENDER_FUZZ_RUNS (requests per route, default 10) and TENDER_FUZZ_SEED change
 * them. The figures are printed at the end (docs/security.md quotes them).
 */
const RUNS = Number(process.env.TENDER_FUZZ_RUNS ?? 10);
const SEED = Number(process.env.TENDER_FUZZ_SEED ?? 16);

/** Tables a refused request may still write, and why. */
const ALLOWED_ON_REFUSAL: Readonly<Record<string, string>> = {
  attempt_counters: 'a failed sign-in (or Assist login) is counted: that is how lockout works',
  page_form_tokens: 'a payment page form token is spent when its form is posted, whatever the outcome, so it cannot be replayed',
};

describe('security: fuzzing every route (0 responses >= 500, 0 rows written by a refused request)', function () {
  this.timeout(15 * 60_000);
  let t: TestGateway;
  let saleor: FakeSaleor;
  const sessions: Record<'dashboard' | 'console', { cookie: string; csrf: string; email: string }> = {
    dashboard: { cookie: '', csrf: '', email: '' },
    console: { cookie: '', csrf: '', email: '' },
  };

  before(async () => {
    saleor = await new FakeSaleor().start();
    t = await startTestGateway({
      plugins: [sandboxPlugin, accountsPlugin, createAssistPlugin({ intervalMs: 60_000 }), createSaleorPlugin({ intervalMs: 60_000 })],
      env: { TENDER_WEBHOOKS_ALLOW_PRIVATE: 'true' },
    });
  });
  after(async () => {
    await t.close();
    await saleor.close();
  });

  /** Signs in through the real form and keeps the session cookie and CSRF token. */
  async function signIn(area: 'dashboard' | 'console'): Promise<void> {
    const form = await request(t.gateway.app).get(`/${area}/signin`).expect(200);
    const preCookie = ([] as string[])
      .concat(form.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0])
      .join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const res = await request(t.gateway.app)
      .post(`/${area}/signin`)
      .set('Cookie', preCookie)
      .type('form')
      .send({ _csrf: token, email: sessions[area].email, password: WEB_PASSWORD });
    assert.equal(res.status, 303, `sign-in to ${area}: ${res.status}`);
    const cookie =
      ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .map((c) => c.split(';')[0] ?? '')
        .find((c) => c.startsWith(`tender_${area}_session=`)) ?? '';
    const page = await request(t.gateway.app).get(`/${area}/security`).set('Cookie', cookie).expect(200);
    sessions[area] = { ...sessions[area], cookie, csrf: /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)?.[1] ?? '' };
  }

  async function sessionStillValid(area: 'dashboard' | 'console'): Promise<void> {
    const res = await request(t.gateway.app).get(`/${area}/security`).set('Cookie', sessions[area].cookie);
    if (res.status !== 200) await signIn(area);
  }

  it('answers every generated request below 500 and writes nothing on refusal, on this database', async () => {
    const started = Date.now();
    const app = t.gateway.app;
    const admin = (r: request.Test) => r.set('Authorization', `Bearer ${ADMIN_TOKEN}`);

    // Fixtures: the merchant under attack, another merchant, and a victim the operator
    // paths name (so a generated suspend cannot lock the fuzzer out).
    const main = await t.createMerchant('Fuzzed Shop');
    const other = await t.createMerchant('Other Shop');
    const victim = await t.createMerchant('Victim Shop');
    const shop = new MerchantClient(app, main.key);
    const pending = await shop.createPayment();
    const captured = await shop.pay(CARDS.visa);
    const authorized = await shop.createPayment({ capture_method: 'manual' });
    await shop.post(`/v1/payments/${authorized.id}/confirm`, card(CARDS.visa)).expect(200);
    const refund = (await shop.post('/v1/refunds', { payment_id: captured.id, amount: 100 }).expect(201)).body as { id: string };
    const link = (await shop.post('/v1/payment_links', { amount: 500, currency: 'RUB', description: 'Tea' }).expect(201)).body as { id: string; url: string };
    const endpoint = (await shop.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/hook', events: ['*'] }).expect(201)).body as { id: string };
    const events = (await shop.get('/v1/events?limit=3').expect(200)).body as { data: Array<{ id: string }> };
    const keys = (await shop.get('/v1/api_keys').expect(200)).body as { data: Array<{ id: string }> };
    await admin(request(app).put(`/admin/v1/merchants/${main.id}/assist`))
      .send({ assist_merchant_id: 770001, salt: 'fuzz-salt', login: 'fuzz_shop', password: 'fuzz-password-1', checkvalue_required: false })
      .expect(200);
    await shop.post('/v1/saleor/installations', { saleor_api_url: saleor.apiUrl }).expect(201);
    await request(app).post('/saleor/register').set('saleor-api-url', saleor.apiUrl).send({ auth_token: 'fuzz-app-token' });
    const operatorLink = (await admin(request(app).post('/admin/v1/operators')).send({ email: 'fuzz-invited@tender.test' }).expect(201)).body as {
      set_password_url: string;
    };
    const accounts = t.gateway.container.resolve(WebAccountService);
    const owner = await accounts.createMerchantUser({ merchantId: main.id, email: 'fuzz-owner@tender.test', role: 'owner', password: WEB_PASSWORD });
    await accounts.createOperator({ email: 'fuzz-operator@tender.test', password: WEB_PASSWORD });
    sessions.dashboard.email = 'fuzz-owner@tender.test';
    sessions.console.email = 'fuzz-operator@tender.test';
    await signIn('dashboard');
    await signIn('console');

    const tokenOf = (url: string) => new URL(url).pathname.split('/').pop() ?? '';
    const ids: Record<string, string[]> = {
      pay: [pending.id, captured.id, authorized.id],
      ref: [refund.id],
      plink: [link.id],
      we: [endpoint.id],
      evt: events.data.map((e) => e.id),
      mer: [victim.id],
      key: keys.data
        .map((k) => k.id)
        .filter((id) => id !== undefined)
        .slice(-1),
      web: [owner.id],
      bank: ['sandbox'],
      serial: ['01'],
    };
    const tokens = {
      page: [tokenOf(String(pending.payment_url)), tokenOf(String(captured.payment_url))],
      link: [tokenOf(link.url)],
      status: [tokenOf(t.gateway.container.resolve(StatusLink).urlFor(captured.id))],
      password: [tokenOf(operatorLink.set_password_url)],
    };

    // The forms the screens really render, as seeds.
    const routes = routeInventory(app);
    const forms: CrawledForm[] = [];
    const fill = (path: string) =>
      path
        .replace(/:id\b/, ids.pay[0] ?? 'x')
        .replace(/:token\b/, tokens.page[0] ?? 'x')
        .replace(/:[A-Za-z_]+/g, 'x');
    for (const r of routes.filter((x) => x.method === 'GET' && x.kind === 'route' && !x.path.includes('export.csv'))) {
      const path = r.path.startsWith('/dashboard/payments/:id')
        ? `/dashboard/payments/${captured.id}`
        : r.path.startsWith('/pay/link')
          ? `/pay/link/${tokens.link[0] ?? ''}`
          : fill(r.path);
      const area = path.startsWith('/dashboard') ? 'dashboard' : path.startsWith('/console') ? 'console' : undefined;
      const res = await request(app)
        .get(path)
        .set('Cookie', area === undefined ? '' : sessions[area].cookie);
      if (/text\/html/.test(String(res.headers['content-type']))) forms.push(...formsOf(res.text, path));
    }

    const zfc = ZodFastCheck()
      .override(amountField, fc.integer({ min: 1, max: MAX_AMOUNT }))
      .override(currencyField, fc.constantFrom('RUB', 'usd', 'EUR', 'JPY'))
      .override(fields.httpUrl, fc.constantFrom('https://shop.test/return', 'http://127.0.0.1:9/hook', 'https://[::1]/x'))
      .override(fields.metadata, fc.constant({ order: '1' }));
    const schemas = new Map<string, z.ZodTypeAny>([
      ['POST /v1/payments', createPaymentSchema],
      ['POST /v1/payments/:id/confirm', confirmPaymentSchema],
      ['POST /v1/payments/:id/capture', capturePaymentSchema],
      ['POST /v1/refunds', createRefundSchema],
      ['POST /v1/payment_links', createPaymentLinkSchema],
      ['POST /v1/webhook_endpoints', createEndpointSchema],
      ['POST /v1/webhook_endpoints/:id/rotate_secret', rotateSecretSchema],
      ['PUT /v1/branding', brandingSchema],
      ['POST /v1/branding/preview', brandingSchema],
      ['POST /v1/account/registration', companyDetailsSchema],
      ['POST /v1/applications', createMerchantSchema],
      ['POST /admin/v1/merchants', createMerchantSchema],
      ['PUT /v1/risk/rules', ruleSetSchema],
      ['PUT /admin/v1/risk/rules', ruleSetSchema],
      ['PUT /v1/routing', routingRuleSetSchema],
      ['PUT /admin/v1/routing', routingRuleSetSchema],
      ['POST /admin/v1/banks', createBankSchema],
      ['PATCH /admin/v1/banks/:code', updateBankSchema],
      ['POST /admin/v1/payers', createPayerSchema],
      ['POST /admin/v1/payers/:id/accounts', accountSchema],
      ['POST /admin/v1/merchants/:id/contract', recordContractSchema],
      ['PUT /admin/v1/merchants/:id/assist', assistSettingsSchema],
    ]);
    const cardBody = card(CARDS.visa, { holder_name: 'A B' });
    const saleorAction = {
      action: { amount: '1.00', currency: 'RUB', actionType: 'CHARGE' },
      transaction: { id: 'VHJhbnNhY3Rpb246MQ==', pspReference: pending.id },
      sourceObject: { __typename: 'Checkout', id: 'Q2hlY2tvdXQ6MQ==' },
      idempotencyKey: 'idem-1',
      data: {},
    };
    const samples = new Map<string, unknown[]>([
      [
        'POST /v1/payments',
        [
          {
            amount: 1500,
            currency: 'RUB',
            order_id: 'fz-1',
            description: 'Tea',
            metadata: { a: 'b' },
            customer_email: 'a@shop.test',
            return_url: 'https://shop.test/r',
          },
        ],
      ],
      ['POST /v1/payments/:id/confirm', [cardBody, { ...cardBody, customer: { ip: '203.0.113.5', email: 'b@shop.test' } }]],
      ['POST /v1/payments/:id/capture', [{ amount: 100 }, {}]],
      ['POST /v1/refunds', [{ payment_id: captured.id, amount: 1, reason: 'fuzz' }]],
      [
        'PUT /v1/risk/rules',
        [{ rules: { amount: { max_amounts: { RUB: 1_000_000 } }, velocity: { limits: [{ key: 'card', window_seconds: 60, max_attempts: 50, score: 10 }] } } }],
      ],
      ['PUT /admin/v1/risk/rules', [{ thresholds: { challenge: 50, review: 75, block: 100 }, rules: { card_testing: { small_amount: 100 } } }]],
      [
        'PUT /admin/v1/routing',
        [{ rules: [{ id: 'r1', priority: 1, match: { currencies: ['RUB'], amount_max: 1000 }, targets: [{ bank: 'sandbox', weight: 1 }] }] }],
      ],
      [
        'POST /v1/account/registration',
        [
          {
            legal_name: 'OOO Tea',
            country: 'RU',
            tax_id: '7707083893',
            address: 'Moscow, Tverskaya 1',
            website: 'https://shop.test',
            contact: { name: 'Ivan', phone: '+7 900 000 00 00' },
          },
        ],
      ],
      ['POST /admin/v1/payers', [{ name: 'Payer One', email: 'p@shop.test', account: { number: '40817810099910004312', bank: 'sandbox' } }]],
      ['POST /pay-account/:token/confirm', [{ account: { number: '40817810099910004312' } }]],
      ['POST /saleor/register', [{ auth_token: 'tok' }]],
      ...['transaction-initialize-session', 'transaction-process-session'].map((p): [string, unknown[]] => [
        `POST /saleor/webhooks/${p}`,
        [{ ...saleorAction, action: { ...saleorAction.action } }],
      ]),
      ...['transaction-charge-requested', 'transaction-refund-requested', 'transaction-cancelation-requested'].map((p): [string, unknown[]] => [
        `POST /saleor/webhooks/${p}`,
        [saleorAction],
      ]),
    ]);
    const ctx: FuzzContext = {
      merchantKey: main.key,
      publishableKey: main.publishableKey,
      otherMerchantKey: other.key,
      adminToken: ADMIN_TOKEN,
      ids,
      tokens,
      forms,
      schemas,
      samples,
      zfc,
    };

    const counter = await RowCounter.of(t.gateway.db);
    const figures = {
      routes: routes.length,
      requests: 0,
      unsendable: 0,
      byClass: {} as Record<string, number>,
      byAuth: {} as Record<string, number>,
      refusedChecked: 0,
      allowedWrites: 0,
    };
    const serverErrors: string[] = [];
    const refusedWrites: string[] = [];
    let counts: RowCounts = await counter.counts();

    const substitute = (text: string): string =>
      text
        .replace(/__(dashboard|console)_cookie__/g, (_m, a: 'dashboard' | 'console') => sessions[a].cookie)
        .replace(/__(dashboard|console)_csrfmb__/g, (_m, a: 'dashboard' | 'console') => encodeURIComponent(`é${sessions[a].csrf.slice(1)}`))
        .replace(/__(dashboard|console)_csrf__/g, (_m, a: 'dashboard' | 'console') => sessions[a].csrf);
    const describeRequest = (r: FuzzRequest, bytes: Buffer | undefined) =>
      `${r.method} ${r.path.slice(0, 200)} [${r.auth}] ${JSON.stringify(Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'Cookie' && k !== 'Authorization')))} ${r.body.kind === 'raw' && r.body.encoding !== undefined ? `Content-Encoding: ${r.body.encoding} ` : ''}body=${bytes === undefined ? '-' : JSON.stringify(bytes.subarray(0, 300).toString('latin1'))}`;

    for (const [i, route] of routes.entries()) {
      for (const r of requestsFor(route, ctx, RUNS, SEED + i)) {
        const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, substitute(v)]));
        const b = r.body;
        const bytes =
          b.kind === 'none'
            ? undefined
            : b.kind === 'raw'
              ? b.bytes
              : b.kind === 'json'
                ? JSON.stringify(b.value) === undefined
                  ? undefined
                  : Buffer.from(JSON.stringify(b.value))
                : Buffer.from(substitute(b.text));
        const contentType =
          b.kind === 'json' ? 'application/json' : b.kind === 'form' ? 'application/x-www-form-urlencoded' : b.kind === 'none' ? undefined : b.contentType;
        if (route.path.startsWith('/saleor/webhooks') && bytes !== undefined && headers['Saleor-Signature'] !== undefined) {
          headers['Saleor-Signature'] = saleor.signature(bytes.toString('utf8'));
          headers['Saleor-Api-Url'] = saleor.apiUrl;
        }
        let res: request.Response;
        try {
          const method = r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options' | 'head';
          let req = request(app)[method](r.path).timeout(20_000);
          for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
          if (b.kind === 'raw' && b.encoding !== undefined) req = req.set('Content-Encoding', b.encoding);
          if (contentType !== undefined) req = req.set('Content-Type', contentType);
          res = bytes === undefined ? await req : await req.serialize((x: Buffer) => x as unknown as string).send(bytes);
        } catch (error) {
          // Node refuses some paths and header values before they leave the client.
          if (
            error instanceof Error &&
            /Invalid character|unescaped characters|ERR_INVALID|ERR_UNESCAPED|Timeout/i.test(`${error.message} ${(error as { code?: string }).code ?? ''}`)
          ) {
            figures.unsendable++;
            continue;
          }
          // An answer the client cannot parse (headers over 16 kB, say) is a server fault too.
          serverErrors.push(`unreadable answer (${error instanceof Error ? error.message : String(error)}) to ${describeRequest(r, bytes)}`);
          continue;
        }
        figures.requests++;
        const cls = `${Math.floor(res.status / 100)}xx`;
        figures.byClass[cls] = (figures.byClass[cls] ?? 0) + 1;
        figures.byAuth[r.auth] = (figures.byAuth[r.auth] ?? 0) + 1;
        // /readyz's 503 is its answer (this gateway has no payer CA, so it is not ready), not a fault.
        const notReady =
          res.status === 503 &&
          r.path.split('?')[0] === '/readyz' &&
          (r.method === 'HEAD' || (res.body as { status?: unknown } | undefined)?.status === 'not_ready');
        if (res.status >= 500 && !notReady) serverErrors.push(`${res.status} ${describeRequest(r, bytes)} -> ${String(res.text ?? '').slice(0, 200)}`);
        const after = await counter.counts();
        if (res.status >= 400) {
          figures.refusedChecked++;
          const changed = RowCounter.changed(counts, after);
          const unexplained = changed.filter((c) => ALLOWED_ON_REFUSAL[c.split(':')[0] ?? ''] === undefined);
          if (changed.length > unexplained.length) figures.allowedWrites++;
          if (unexplained.length > 0) refusedWrites.push(`${res.status} ${describeRequest(r, bytes)} wrote ${unexplained.join(', ')}`);
        }
        counts = after;
        const area = route.path.startsWith('/dashboard') ? 'dashboard' : route.path.startsWith('/console') ? 'console' : undefined;
        if (area !== undefined && r.method !== 'GET' && res.status < 400) {
          await sessionStillValid(area);
          counts = await counter.counts();
        }
      }
    }

    const stored = await hostileStoredText(t);
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    process.stdout.write(
      `      fuzz (${t.database.dialect}, seed ${SEED}, ${RUNS} per route): ${figures.routes} routes, ${figures.requests} requests (${figures.unsendable} unsendable), ` +
        `${JSON.stringify(figures.byClass)}, ${figures.refusedChecked} refusals checked for writes (${figures.allowedWrites} with allowed bookkeeping), ` +
        `credentials ${JSON.stringify(figures.byAuth)}, ${forms.length} forms crawled, ${seconds} s\n`,
    );
    process.stdout.write(
      `      findings: ${serverErrors.length} answers >= 500 (or unreadable), ${refusedWrites.length} refused requests that wrote rows, ${stored.length} stored values with hostile text\n`,
    );
    const report = [
      ...serverErrors.map((e) => `answer >= 500: ${e}`),
      ...refusedWrites.map((e) => `refused but wrote: ${e}`),
      ...stored.map((e) => `hostile text stored: ${e}`),
    ];
    assert.equal(report.length, 0, report.join('\n'));
  });
});

/** Text no input may leave in the database: NUL, control characters but tab/CR/LF, bidi overrides (JSON columns are read decoded). */
async function hostileStoredText(t: TestGateway): Promise<string[]> {
  const counter = await RowCounter.of(t.gateway.db);
  const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202D\u202E]/;
  const found: string[] = [];
  const visit = (table: string, column: string, value: unknown): void => {
    if (typeof value === 'string') {
      if (bad.test(value)) found.push(`${table}.${column}: ${JSON.stringify(value.slice(0, 80))}`);
      if (/^[[{]/.test(value)) {
        try {
          visit(table, column, JSON.parse(value) as unknown);
        } catch {
          // Not JSON after all.
        }
      }
    } else if (Array.isArray(value)) value.forEach((v) => visit(table, column, v));
    else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value))
      for (const [k, v] of Object.entries(value)) {
        visit(table, `${column}.key`, k);
        visit(table, column, v);
      }
  };
  for (const table of counter.tables) {
    const rows = (await t.gateway.db(table).select('*')) as Array<Record<string, unknown>>;
    for (const row of rows) for (const [column, value] of Object.entries(row)) visit(table, column, value);
  }
  return found;
}
