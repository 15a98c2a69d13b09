import zlib from 'node:zlib';
import fc from 'fast-check';
import { z } from 'zod';
import { ZodFastCheck } from 'zod-fast-check';
import { CrawledForm } from './form-crawler';
import { deepJson, headerValue, hostileString, hostileValue, pathsOf, replaceAt } from './hostile-values';
import { RouteSpec } from './route-inventory';

/** What a request carries as its body. */
export type BodySpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text'; readonly contentType: string; readonly text: string }
  | { readonly kind: 'raw'; readonly contentType: string; readonly encoding: string | undefined; readonly bytes: Buffer }
  | { readonly kind: 'form'; readonly text: string };

/** One generated request, ready to send. */
export interface FuzzRequest {
  readonly route: RouteSpec;
  readonly method: string;
  /** Path with its parameters filled in, already percent-encoded where meant to be. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: BodySpec;
  /** Which kind of credentials it carries, for the figures. */
  readonly auth: string;
}

/** Everything the generator draws valid values from. */
export interface FuzzContext {
  readonly merchantKey: string;
  readonly publishableKey: string;
  readonly otherMerchantKey: string;
  readonly adminToken: string;
  /** Known ids by path parameter context (`pay`, `ref`, `we`, `mer`, ...). */
  readonly ids: Readonly<Record<string, readonly string[]>>;
  /** Known secret tokens by kind (`page`, `link`, `status`, `password`). */
  readonly tokens: Readonly<Record<string, readonly string[]>>;
  readonly forms: readonly CrawledForm[];
  /** Schemas of JSON bodies by `METHOD /path` (the route's pattern). */
  readonly schemas: ReadonlyMap<string, z.ZodTypeAny>;
  /** Valid bodies written by hand, by `METHOD /path`, as seeds for mutation. */
  readonly samples: ReadonlyMap<string, readonly unknown[]>;
  readonly zfc: ZodFastCheck;
}

const ODD_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;
const FIELD_NAMES = [
  'amount',
  'currency',
  'description',
  'reason',
  'label',
  'kind',
  'url',
  'events',
  'event_id',
  'email',
  'password',
  'new_password',
  'current_password',
  'role',
  'code',
  'name',
  'legal_name',
  'country',
  'tax_id',
  'address',
  'website',
  'bank',
  'template',
  'custom_css',
  'logo_url',
  'primary_color',
  'q',
  'status',
  'from',
  'to',
  'hours',
  'next',
  'locale',
  'mode',
  'form_token',
  'card_number',
  'exp_month',
  'exp_year',
  'cvc',
  'cardholder',
  'key',
  'order_id',
  'return_url',
  'signature',
  'cres',
  'creq',
  'notification_url',
  'json',
  'rules',
  'Merchant_ID',
  'OrderNumber',
  'OrderAmount',
  'OrderCurrency',
  'Login',
  'Password',
  'Billnumber',
  'Format',
  'auth_token',
  'saleor_api_url',
];
const QUERY_NAMES = [
  'limit',
  'starting_after',
  'order_id',
  'status',
  'payment_id',
  'updated_since',
  'q',
  'from',
  'to',
  'type',
  'object_id',
  'format',
  'next',
  'cursor',
  'currency',
  'amount_min',
  'amount_max',
  'page',
  'merchant',
  'actor',
  'action',
  'before',
  'after',
  'payer',
  'resent',
  'livemode',
  'mode',
  'lang',
];
const HOSTILE_SEGMENTS = [
  '%00',
  '%E0%A4%A',
  '%ED%A0%80',
  '..%2f..%2fpackage.json',
  '%2e%2e',
  '..',
  '.',
  'x'.repeat(3000),
  '%F0%9F%8D%B5',
  '%20',
  '%25',
  'pay_%00',
  '%u0000',
  '[object Object]',
];

/** Where a route's requests are answered and what credentials apply there. */
function areaOf(path: string): 'api' | 'admin' | 'dashboard' | 'console' | 'json-public' | 'form-public' {
  if (path.startsWith('/v1/')) return path === '/v1/applications' ? 'json-public' : 'api';
  if (path.startsWith('/admin/v1')) return 'admin';
  if (path.startsWith('/dashboard')) return 'dashboard';
  if (path.startsWith('/console')) return 'console';
  if (path.startsWith('/pay-account') || path.startsWith('/saleor')) return 'json-public';
  return 'form-public';
}

/** The id prefix a `:id` parameter of this path takes (what the known ids are filed under). */
function idContext(path: string, param: string): string {
  const before = path.slice(0, path.indexOf(`:${param}`));
  const table: Array<[RegExp, string]> = [
    [/payments\/$/, 'pay'],
    [/refunds\/$/, 'ref'],
    [/events\/$/, 'evt'],
    [/webhook_endpoints\/$|webhooks\/$/, 'we'],
    [/payment_links\/$/, 'plink'],
    [/reviews\/$/, 'rrv'],
    [/api_keys\/$|keys\/$/, 'key'],
    [/merchants\/$/, 'mer'],
    [/payers\/$/, 'pyr'],
    [/installations\/$/, 'sal'],
    [/team\/$/, 'web'],
    [/banks\/$/, 'bank'],
    [/certificates\/$/, 'serial'],
  ];
  return table.find(([re]) => re.test(before))?.[1] ?? param;
}

const PARAM_VALUES: Readonly<Record<string, readonly string[]>> = {
  action: ['capture', 'cancel', 'refund', 'suspend', 'resume', 'approve', 'extend', 'go_live', 'x'],
  verdict: ['approve', 'reject', 'maybe'],
  decision: ['approve', 'reject', 'maybe'],
  file: ['page.css', 'page.js', 'nope.png', '..%2fpage.css'],
  account: ['40817810099910004312', 'acc_1'],
};

function paramArb(route: RouteSpec, param: string, ctx: FuzzContext): fc.Arbitrary<string> {
  const known =
    param === 'token'
      ? route.path.startsWith('/pay/link')
        ? (ctx.tokens.link ?? [])
        : route.path.startsWith('/status')
          ? (ctx.tokens.status ?? [])
          : route.path.includes('/password/')
            ? (ctx.tokens.password ?? [])
            : (ctx.tokens.page ?? [])
      : (PARAM_VALUES[param] ?? ctx.ids[idContext(route.path, param)] ?? []);
  const prefix = idContext(route.path, param);
  const options: Array<fc.WeightedArbitrary<string>> = [
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9A-Za-z]{1,40}$/).map((s) => (param === 'id' ? `${prefix}_${s}` : s)) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    { weight: 1, arbitrary: hostileString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))) },
  ];
  if (known.length > 0) options.unshift({ weight: 6, arbitrary: fc.constantFrom(...known) });
  return fc.oneof(...options);
}

function queryArb(): fc.Arbitrary<string> {
  const pair = fc.tuple(
    fc.constantFrom(...QUERY_NAMES),
    fc.oneof(
      fc.constantFrom('1', '100', '101', '0', '-1', '1e400', '2026-01-01', 'pay_x', 'captured', 'RUB'),
      hostileString.map((s) => s.replace(/[\ud800-\udfff]/g, '?')),
    ),
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((ps) => `?${ps.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('?limit=1&limit=2', '?a[b]=c', '?limit=%E0%A4%A', '?%00=%00', '?limit', '?&&&', '?status[]=x', `?q=${'x'.repeat(5000)}`),
    },
  );
}

/** A JSON body: a valid one from the schema or the hand-written samples, one of those with a field made hostile, or something else entirely. */
function jsonBodyArb(key: string, ctx: FuzzContext): fc.Arbitrary<BodySpec> {
  const schema = ctx.schemas.get(key);
  const seeds = ctx.samples.get(key) ?? [];
  const valid: Array<fc.Arbitrary<unknown>> = [];
  if (seeds.length > 0) valid.push(fc.constantFrom(...seeds));
  const pool = schema === undefined ? [] : schemaSamples(schema, ctx);
  if (pool.length > 0) valid.push(fc.constantFrom(...pool));
  const json = (value: unknown): BodySpec => ({ kind: 'json', value });
  const generic: fc.Arbitrary<BodySpec> = fc.oneof(
    fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), hostileString), hostileValue, { maxKeys: 6 }).map(json),
    fc.jsonValue({ maxDepth: 4 }).map(json),
    fc.constantFrom<BodySpec>(
      { kind: 'text', contentType: 'application/json', text: deepJson(40) },
      { kind: 'text', contentType: 'application/json', text: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}' },
      { kind: 'text', contentType: 'application/json', text: '{"amount":1,"amount":2}' },
      { kind: 'text', contentType: 'application/json', text: '{"card":{"number":"4242424242424242",}' },
      { kind: 'text', contentType: 'application/json', text: 'null' },
      { kind: 'text', contentType: 'application/json', text: '"just a string"' },
      { kind: 'text', contentType: 'application/json', text: `{"description":"${'x'.repeat(70_000)}"}` },
      { kind: 'text', contentType: 'application/json', text: `[${'1,'.repeat(20_000)}1]` },
      { kind: 'text', contentType: 'application/json', text: '{"amount":18446744073709551616,"n":1e400,"m":-1e400}' },
      { kind: 'text', contentType: 'application/json; charset=latin1', text: '{"a":"b"}' },
      { kind: 'text', contentType: 'application/json; charset=utf-16', text: '{"a":"b"}' },
      { kind: 'text', contentType: 'text/plain', text: '{"a":"b"}' },
      { kind: 'text', contentType: 'multipart/form-data; boundary=x', text: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--' },
      { kind: 'text', contentType: 'application/xml', text: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' },
      { kind: 'form', text: 'amount=1&currency=RUB' },
    ),
    encodedBodyArb(),
  );
  const options: Array<fc.WeightedArbitrary<BodySpec>> = [
    { weight: 3, arbitrary: generic },
    { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) },
  ];
  if (valid.length > 0) {
    const base = fc.oneof(...valid);
    options.push({ weight: 3, arbitrary: base.map(json) });
    options.push({
      weight: 5,
      arbitrary: fc.tuple(base, fc.nat(), hostileValue, fc.constantFrom('replace', 'add')).map(([value, i, bad, how]) => {
        const paths = pathsOf(value);
        if (how === 'add' || paths.length === 0)
          return json(
            value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, [FIELD_NAMES[i % FIELD_NAMES.length] ?? 'x']: bad } : bad,
          );
        return json(replaceAt(value, paths[i % paths.length] ?? [], bad));
      }),
    });
  }
  return fc.oneof(...options);
}

const schemaPools = new WeakMap<z.ZodTypeAny, unknown[]>();

/**
 * Up to 8 valid inputs of `schema` drawn by zod-fast-check (fixed seeds). Refinements
 * it cannot satisfy by chance (a currency list, say) make a draw fail; those draws are
 * skipped and the hand-written samples stand in.
 */
function schemaSamples(schema: z.ZodTypeAny, ctx: FuzzContext): unknown[] {
  const cached = schemaPools.get(schema);
  if (cached !== undefined) return cached;
  const pool: unknown[] = [];
  try {
    const arb = ctx.zfc.inputOf(schema);
    for (let seed = 1; seed <= 8; seed++) {
      try {
        pool.push(...fc.sample(arb, { numRuns: 1, seed }));
      } catch {
        // This draw hit a refinement; try the next seed.
      }
    }
  } catch {
    // A schema zod-fast-check does not support at all.
  }
  schemaPools.set(schema, pool);
  return pool;
}

/** Compressed bodies: valid gzip of JSON, and bytes that do not decode under the encoding they claim. */
function encodedBodyArb(): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    fc
      .constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'gzip, br', 'zstd')
      .map((encoding) => ({ kind: 'raw' as const, contentType: 'application/json', encoding, bytes: Buffer.from('{"amount":100} but not compressed') })),
    fc.constantFrom('gzip', 'deflate', 'br').map((encoding) => {
      const text = Buffer.from(JSON.stringify({ amount: 100, currency: 'RUB', order_id: 'gz-1' }));
      const bytes = encoding === 'gzip' ? zlib.gzipSync(text) : encoding === 'deflate' ? zlib.deflateSync(text) : zlib.brotliCompressSync(text);
      return { kind: 'raw' as const, contentType: 'application/json', encoding, bytes };
    }),
    fc.constant<BodySpec>({ kind: 'raw', contentType: 'application/json', encoding: 'gzip', bytes: zlib.gzipSync(Buffer.alloc(3_000_000, 0x20)) }),
    fc.constant<BodySpec>({ kind: 'raw', contentType: 'application/x-www-form-urlencoded', encoding: 'gzip', bytes: Buffer.from('not gzip') }),
    fc.uint8Array({ maxLength: 64 }).map((a) => ({ kind: 'raw' as const, contentType: 'application/json', encoding: undefined, bytes: Buffer.from(a) })),
  );
}

/** A url-encoded body: a form the screens render (fields mutated), or fields from the usual names with hostile values. */
function formBodyArb(route: RouteSpec, ctx: FuzzContext, csrf: string | undefined): fc.Arbitrary<BodySpec> {
  const pattern = new RegExp(`^${route.path.replace(/:[A-Za-z_]+/g, '[^/]+')}$`);
  const forms = ctx.forms.filter((f) => pattern.test(f.action));
  const enc = (fields: ReadonlyArray<readonly [string, string]>): BodySpec => ({
    kind: 'form',
    text: fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))}`).join('&'),
  });
  const withCsrf = (fields: ReadonlyArray<readonly [string, string]>): ReadonlyArray<readonly [string, string]> =>
    csrf === undefined ? fields : [...fields.filter(([k]) => k !== '_csrf'), ['_csrf', csrf] as const];
  const generic = fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.constant('_csrf')), hostileString), { maxLength: 6 })
    .map((fields) => enc(withCsrf(fields)));
  const options: Array<fc.WeightedArbitrary<BodySpec>> = [
    { weight: 3, arbitrary: generic },
    { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<BodySpec>(
        { kind: 'form', text: 'a=%00&b=%zz&c=%E0%A4%A&d=%ED%A0%80' },
        { kind: 'form', text: `_csrf=${encodeURIComponent(csrf ?? 'x')}&amount=1&amount=2&role=owner&role=operator` },
        { kind: 'form', text: 'a[b][c]=1&__proto__[x]=1&constructor[prototype][y]=2' },
        { kind: 'form', text: `description=${'x'.repeat(70_000)}` },
        { kind: 'form', text: Array.from({ length: 300 }, (_, i) => `f${i}=1`).join('&') },
        { kind: 'form', text: '=&&=&==' },
        { kind: 'json', value: { _csrf: csrf ?? 'x', amount: 1 } },
        { kind: 'text', contentType: 'text/plain', text: 'a=b' },
      ),
    },
    { weight: 1, arbitrary: encodedBodyArb() },
  ];
  if (forms.length > 0) {
    const base = fc.constantFrom(...forms.map((f) => withCsrf(f.fields)));
    options.push({ weight: 3, arbitrary: base.map(enc) });
    options.push({
      weight: 5,
      arbitrary: fc.tuple(base, fc.nat(), hostileString, fc.boolean()).map(([fields, i, bad, duplicate]) => {
        const target = fields.filter(([k]) => k !== '_csrf');
        if (target.length === 0) return enc(fields);
        const [name] = target[i % target.length] ?? ['x'];
        const changed = duplicate ? [...fields, [name, bad] as const] : fields.map(([k, v]) => (k === name ? ([k, bad] as const) : ([k, v] as const)));
        return enc(changed);
      }),
    });
  }
  return fc.oneof(...options);
}

interface Credentials {
  readonly auth: string;
  readonly headers: Record<string, string>;
  readonly csrf: string | undefined;
}

function credentialsArb(area: ReturnType<typeof areaOf>, ctx: FuzzContext): fc.Arbitrary<Credentials> {
  const none: Credentials = { auth: 'none', headers: {}, csrf: undefined };
  switch (area) {
    case 'api':
      return fc.oneof(
        { weight: 7, arbitrary: fc.constant<Credentials>({ auth: 'secret key', headers: { Authorization: `Bearer ${ctx.merchantKey}` }, csrf: undefined }) },
        {
          weight: 1,
          arbitrary: fc.constant<Credentials>({ auth: 'publishable key', headers: { Authorization: `Bearer ${ctx.publishableKey}` }, csrf: undefined }),
        },
        {
          weight: 1,
          arbitrary: fc.constant<Credentials>({ auth: 'other merchant', headers: { Authorization: `Bearer ${ctx.otherMerchantKey}` }, csrf: undefined }),
        },
        { weight: 1, arbitrary: headerValue.map((v) => ({ auth: 'garbage', headers: { Authorization: `Bearer ${v}` }, csrf: undefined })) },
        { weight: 1, arbitrary: fc.constant(none) },
      );
    case 'admin':
      return fc.oneof(
        { weight: 7, arbitrary: fc.constant<Credentials>({ auth: 'operator token', headers: { Authorization: `Bearer ${ctx.adminToken}` }, csrf: undefined }) },
        { weight: 1, arbitrary: fc.constant<Credentials>({ auth: 'secret key', headers: { Authorization: `Bearer ${ctx.merchantKey}` }, csrf: undefined }) },
        { weight: 1, arbitrary: headerValue.map((v) => ({ auth: 'garbage', headers: { Authorization: v }, csrf: undefined })) },
        { weight: 1, arbitrary: fc.constant(none) },
      );
    case 'dashboard':
    case 'console': {
      // Placeholders: the executor puts in the session that is current when the request is sent.
      const cookie = `__${area}_cookie__`;
      const csrf = `__${area}_csrf__`;
      return fc.oneof(
        { weight: 6, arbitrary: fc.constant<Credentials>({ auth: 'session + CSRF', headers: { Cookie: cookie, 'X-CSRF-Token': csrf }, csrf }) },
        { weight: 1, arbitrary: fc.constant<Credentials>({ auth: 'session, no CSRF', headers: { Cookie: cookie }, csrf: undefined }) },
        // Same UTF-16 length as the real token, another byte length: the compare must not throw.
        {
          weight: 1,
          arbitrary: fc.constant<Credentials>({ auth: 'session, CSRF of another byte length', headers: { Cookie: cookie }, csrf: `__${area}_csrfmb__` }),
        },
        {
          weight: 1,
          arbitrary: headerValue.map((v) => ({
            auth: 'garbage cookie',
            headers: { Cookie: `tender_dashboard_session=${encodeURIComponent(v)}; tender_console_session=%E0%A4%A; tender_locale=../../x` },
            csrf: v,
          })),
        },
        { weight: 1, arbitrary: fc.constant(none) },
      );
    }
    default:
      return fc.oneof(
        { weight: 4, arbitrary: fc.constant(none) },
        {
          weight: 1,
          arbitrary: headerValue.map((v) => ({
            auth: 'garbage cookie',
            headers: { Cookie: `tender_signup_csrf=${encodeURIComponent(v)}; tender_signin_csrf=é` },
            csrf: `é${v}`,
          })),
        },
      );
  }
}

/**
 * The requests the fuzzer sends to one route: `runs` of them, drawn with `seed`, so a
 * run is reproducible (the failing request is printed in full).
 */
export function requestsFor(route: RouteSpec, ctx: FuzzContext, runs: number, seed: number): FuzzRequest[] {
  const area = areaOf(route.path);
  const params = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1] ?? '');
  const key = `${route.method} ${route.path}`;
  const pathArb =
    route.kind === 'static'
      ? fc
          .constantFrom(
            '/app.css',
            '/..%2f..%2fpackage.json',
            '/%2e%2e/%2e%2e/package.json',
            '/nope.js',
            '/.env',
            '/%00',
            '/x'.repeat(100),
            '/shell.css',
            '/a/../../b',
          )
          .map((tail) => `${route.path}${tail}`)
      : fc
          .tuple(...params.map((p) => paramArb(route, p, ctx)))
          .map((values) => params.reduce((path, p, i) => path.replace(`:${p}`, values[i] ?? ''), route.path));
  const headersArb = fc.record(
    {
      'Idempotency-Key': headerValue,
      'X-Request-Id': headerValue,
      'Accept-Language': headerValue,
      'Saleor-Api-Url': fc.constantFrom('http://127.0.0.1:1/graphql/', 'https://shop.test/graphql/', 'javascript:x', ''),
      'Saleor-Signature': headerValue,
      'Tender-Signature': headerValue,
      Origin: fc.constantFrom('http://pay.tender.test', 'https://evil.test', 'null'),
    },
    { requiredKeys: [] },
  );
  const json = area === 'api' || area === 'admin' || area === 'json-public';
  const arb = fc
    .record({
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_METHODS) }),
      path: pathArb,
      query: queryArb(),
      creds: credentialsArb(area, ctx),
      extra: headersArb,
      pick: fc.nat(),
    })
    .chain((r) => {
      const bodyArb =
        r.method === 'GET' || r.method === 'HEAD' || r.method === 'OPTIONS'
          ? fc.oneof({ weight: 9, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) }, { weight: 1, arbitrary: jsonBodyArb(key, ctx) })
          : json
            ? jsonBodyArb(key, ctx)
            : formBodyArb(route, ctx, r.creds.csrf);
      return bodyArb.map((body) => ({ ...r, body }));
    });
  return fc.sample(arb, { numRuns: runs, seed }).map((r) => ({
    route,
    method: r.method,
    path: `${r.path}${r.query}`,
    headers: { ...r.extra, ...r.creds.headers },
    body: r.body,
    auth: r.creds.auth,
  }));
}
