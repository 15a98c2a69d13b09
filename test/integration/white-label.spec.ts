import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import request from 'supertest';
import { CORE_TEMPLATES_DIR, loadConfig } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { pageTokenOf, postCard } from '../support/hosted-page';
import { SmtpCapture } from '../support/smtp-capture';

const MAIN = path.join(__dirname, '..', '..', '..', 'core', 'dist', 'main.js');
const REPO = path.join(__dirname, '..', '..', '..');

/** A theme directory outside the repository holding only `files` (path -> content). */
function themeOutside(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-wl-theme-'));
  assert.ok(path.relative(REPO, dir).startsWith('..'), 'the theme is outside the repository');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** `tender start` as an operator runs it: a real process, only the environment given; ends it once it has answered or died. */
async function startProcess(env: Record<string, string>): Promise<{ code: number | null; err: string; listening: boolean }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-wl-data-'));
  const child = spawn(process.execPath, [MAIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', TENDER_DATA_DIR: dataDir, PORT: '0', TENDER_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let listening = false;
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (!listening && out.includes('Tender is listening')) {
      listening = true;
      child.kill('SIGTERM');
    }
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { code, err, listening };
}

/** A payment paid on its page with `card`, then the buyer's status page the result links to. */
async function paidStatusPage(t: TestGateway, card: string): Promise<request.Response> {
  const shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Status Shop')).key);
  const p = await shop.createPayment({ return_url: 'https://shop.example/return' });
  const token = pageTokenOf(String(p.payment_url));
  assert.equal((await postCard(t.gateway.app, token, card)).status, 303);
  const result = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
  const href = /href="([^"]+)" id="status-link"/.exec(result.text)?.[1] ?? '';
  return request(t.gateway.app).get(new URL(href).pathname).expect(200);
}

describe('white label: a theme outside the repository', function () {
  this.timeout(60_000);

  it('starts with a theme holding only some files and one language; the rest comes from the default theme', async () => {
    // The report of issue 25: a theme copied outside the repository with its own locales/ lacking ru.json and ar.json.
    const dir = themeOutside({
      'payment.hbs': '<main class="page">\n<p id="operator-brand">Outside Theme</p>\n<p>{{t.pay_to}}</p>\n{{> order_summary}}\n{{> card_form}}\n</main>\n',
      'locales/en.json': JSON.stringify({ pay_to: 'Pay Acme for' }),
    });
    const t = await startTestGateway({ env: { TENDER_TEMPLATES_DIR: dir } });
    try {
      const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
      const p = await shop.createPayment();
      const token = pageTokenOf(String(p.payment_url));
      const english = (await request(t.gateway.app).get(`/pay/${token}`).set('Accept-Language', 'en').expect(200)).text;
      assert.match(english, /Outside Theme/);
      assert.match(english, /Pay Acme for/, "the theme's own English text");
      const russian = (await request(t.gateway.app).get(`/pay/${token}`).set('Accept-Language', 'ru').expect(200)).text;
      const corePayTo = (JSON.parse(fs.readFileSync(path.join(CORE_TEMPLATES_DIR, 'locales', 'ru.json'), 'utf8')) as { pay_to: string }).pay_to;
      assert.ok(russian.includes(corePayTo), "Russian, which the theme lacks, from core's locales");
      // The theme has no assets/ and no partials/: the default theme's are served.
      await request(t.gateway.app).get('/pay/assets/theme.css').expect(200);
      assert.equal((await postCard(t.gateway.app, token, CARDS.visa)).status, 303);
      assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'captured');
    } finally {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tender start with that theme listens (a real process)', async () => {
    const dir = themeOutside({ 'locales/en.json': JSON.stringify({ pay_to: 'Pay Acme for' }) });
    try {
      const run = await startProcess({ TENDER_TEMPLATES_DIR: dir });
      assert.equal(run.listening, true, run.err);
      assert.equal(run.code, 0, run.err);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a broken theme file stops tender start with the file and the problem, no stack trace', async () => {
    for (const [file, content, problem] of [
      ['locales/ru.json', '{ "pay_to": ', /locales\/ru\.json: is not valid JSON/],
      ['layout.hbs', '<html>{{#if title}}<title>{{title}}</title></html>\n', /layout\.hbs: is not a valid Handlebars template/],
      ['partials/order_summary.hbs', '{{#each}}', /partials\/order_summary\.hbs: is not a valid Handlebars template/],
    ] as const) {
      const dir = themeOutside({ [file]: content });
      try {
        const run = await startProcess({ TENDER_TEMPLATES_DIR: dir });
        assert.equal(run.listening, false);
        assert.equal(run.code, 1);
        assert.match(run.err, new RegExp(`^tender: theme file ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`), run.err);
        assert.match(run.err, problem);
        assert.doesNotMatch(run.err, /\n\s+at /, 'no stack trace');
        assert.doesNotMatch(run.err, /Cannot inject the dependency/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('tender config check names the broken theme file', async () => {
    const dir = themeOutside({ 'email/receipt.html.hbs': '{{#if amount}}' });
    try {
      const child = spawn(process.execPath, [MAIN, 'config', 'check'], {
        env: { PATH: process.env.PATH ?? '', TENDER_DATA_DIR: dir, TENDER_TEMPLATES_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 1, out);
      assert.match(out, /error\s+TENDER_TEMPLATES_DIR: theme file .*email\/receipt\.html\.hbs/, out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("white label: the operator's brand on every page and e-mail", function () {
  this.timeout(60_000);
  let t: TestGateway;
  let smtp: SmtpCapture;
  let theme: string;
  const BRAND = {
    TENDER_BRAND_NAME: 'Acme Pay',
    TENDER_BRAND_DOMAIN: 'mail.acme.example',
    TENDER_BRAND_LOGO_URL: 'https://acme.example/logo.svg',
    TENDER_BRAND_COLOR: '#0A7D32',
    TENDER_SUPPORT_EMAIL: 'help@acme.example',
    TENDER_SUPPORT_PHONE: '+44 20 7946 0000',
  };

  before(async () => {
    smtp = new SmtpCapture();
    // Every template set overridden in one theme: a dashboard partial, a sign-up text, the status page, an e-mail's text.
    theme = themeOutside({
      'dashboard/partials/footer.hbs': '<footer class="web-footer"><p id="theme-footer">Theme footer of {{operator.name}}</p></footer>\n',
      'signup/locales/en.json': JSON.stringify({ signup: { heading: 'Open an {brand} account' } }),
      'status/status.hbs':
        '<!doctype html><html><body><h1 id="theme-status">{{operator.name}} status</h1><p>{{amount}} {{status}} {{card}}</p></body></html>\n',
      'email/locales/en.json': JSON.stringify({ receipt: { subject: 'Receipt from {{operator.name}}: {{amount}}' } }),
    });
    t = await startTestGateway({ env: { ...BRAND, TENDER_SMTP_URL: await smtp.start(), TENDER_TEMPLATES_DIR: theme } });
    t.gateway.startBackgroundJobs();
  });
  after(async () => {
    await t.close();
    await smtp.stop();
    fs.rmSync(theme, { recursive: true, force: true });
  });

  it("sends e-mails under the operator's name: sender, subject, signature, support contact and Message-ID domain (real SMTP)", async () => {
    await request(t.gateway.app).post('/v1/applications').send({ name: 'Brand Test Shop', email: 'owner@brandtest.example' }).expect(201);
    const welcome = await smtp.waitFor(/Acme Pay test mode is ready/);
    assert.match(welcome.from, /^"?Acme Pay"? <no-reply@mail\.acme\.example>$/);
    assert.match(welcome.messageId, /^<[^@>]+@mail\.acme\.example>$/);
    assert.match(welcome.text, /Acme Pay/, 'the signature');
    assert.match(welcome.text, /help@acme\.example/, 'the support contact');
    assert.equal(welcome.replyTo, 'help@acme.example');
    assert.doesNotMatch(`${welcome.subject}\n${welcome.text}`, /Tender/);

    const shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Receipt Shop')).key);
    const paid = await shop.pay(CARDS.visa, { customer_email: 'buyer@example.com' });
    assert.equal(paid.status, 'captured');
    const receipt = await smtp.waitFor(/^Receipt from Acme Pay: /);
    assert.match(receipt.messageId, /@mail\.acme\.example>$/);
    assert.match(receipt.text, /Visa •••• 4242/, 'the card brand written as the brand');
    assert.match(receipt.text, /^-- \nAcme Pay · help@acme\.example · \+44 20 7946 0000$/m, 'the signature with the support contacts');
    assert.match(receipt.html, /class="signature"[^>]*>Acme Pay · <a href="mailto:help@acme\.example">/);
  });

  it('shows the brand on the dashboard and console sign-in pages, with the theme footer', async () => {
    for (const area of ['dashboard', 'console']) {
      const page = (await request(t.gateway.app).get(`/${area}/signin`).set('Accept-Language', 'en').expect(200)).text;
      assert.match(page, new RegExp(`<title>[^<]* · Acme Pay ${area}</title>`), area);
      assert.match(page, /<img src="https:\/\/acme\.example\/logo\.svg" alt="Acme Pay"/, `${area}: the logo`);
      assert.match(page, /--tender-primary: #0a7d32;/, `${area}: the colour`);
      assert.match(page, /<p id="theme-footer">Theme footer of Acme Pay<\/p>/, `${area}: the theme's footer partial`);
      assert.doesNotMatch(page, /Tender (dashboard|console)/);
    }
  });

  it('shows the brand on the sign-up page, with the theme text', async () => {
    const page = (await request(t.gateway.app).get('/signup').set('Accept-Language', 'en').expect(200)).text;
    assert.match(page, /<title>[^<]* · Acme Pay<\/title>/);
    assert.match(page, /Open an Acme Pay account/);
    assert.match(page, /class="operator-logo" src="https:\/\/acme\.example\/logo\.svg"/);
    assert.match(page, /<footer class="operator"><span data-field="operator">Acme Pay<\/span> · <a href="mailto:help@acme\.example">/);
    const russian = (await request(t.gateway.app).get('/signup?lang=ru').expect(200)).text;
    assert.match(russian, /Acme Pay/, 'the brand in the texts the theme does not change');
    assert.doesNotMatch(russian, /Tender/);
  });

  it("shows the theme's status page with the brand", async () => {
    const status = await paidStatusPage(t, CARDS.visa);
    assert.match(status.text, /<h1 id="theme-status">Acme Pay status<\/h1>/);
    assert.match(status.text, /Visa •••• 4242/);
  });
});

describe("white label: the default status page carries the operator's brand", function () {
  this.timeout(60_000);

  it('names the operator, links its support and escapes nothing it should not', async () => {
    const t = await startTestGateway({ env: { TENDER_BRAND_NAME: 'Acme & Co', TENDER_SUPPORT_EMAIL: 'help@acme.example' } });
    try {
      const status = await paidStatusPage(t, CARDS.mastercard);
      assert.match(status.text, /<title>Payment status · Acme &amp; Co<\/title>/);
      assert.match(status.text, /<span data-field="operator">Acme &amp; Co<\/span> · <a href="mailto:help@acme\.example">/);
      assert.match(status.text, /Mastercard •••• \d{4}/);
      assert.match(String(status.headers['content-security-policy']), /style-src 'nonce-/);
    } finally {
      await t.close();
    }
  });

  it('refuses a brand name with markup and a logo that is not https', () => {
    for (const [name, value] of [
      ['TENDER_BRAND_NAME', '<script>x</script>'],
      ['TENDER_BRAND_LOGO_URL', 'javascript:alert(1)'],
      ['TENDER_BRAND_LOGO_URL', 'http://acme.example/logo.png'],
      ['TENDER_BRAND_COLOR', 'red;}body{display:none'],
      ['TENDER_BRAND_DOMAIN', 'acme.example>'],
    ] as const) {
      assert.throws(() => loadConfig({ TENDER_DATA_DIR: os.tmpdir(), [name]: value }), new RegExp(name), `${name}=${value}`);
    }
  });
});
