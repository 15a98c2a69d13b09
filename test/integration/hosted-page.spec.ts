import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { cardFormOf, expiry, islandOf, pageTokenOf, postCard, shopHmac } from '../support/hosted-page';

describe('hosted payment page without JavaScript (plain form posts)', () => {
  let t: TestGateway;
  let shop: MerchantClient;
  let secret: string;

  before(async () => {
    t = await startTestGateway();
    const m = await t.createMerchant('Coffee Beans Ltd');
    shop = new MerchantClient(t.gateway.app, m.key);
    secret = (await shop.get('/v1/account').expect(200)).body.signing_secret;
  });
  after(() => t.close());

  const open = async (overrides: Record<string, unknown> = {}) => {
    const p = await shop.createPayment({ return_url: 'https://shop.example/return?x=1', description: 'Two bags of coffee', ...overrides });
    return { id: p.id, token: pageTokenOf(String(p.payment_url)) };
  };

  it('renders the page with merchant, amount for the locale, a labelled card form and strict headers', async () => {
    const { token } = await open({ locale: 'ru' });
    const res = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
    assert.match(res.text, /Coffee Beans Ltd/);
    assert.match(res.text, /1\u00a0500,00\u00a0₽/);
    assert.match(res.text, /<html lang="ru" dir="ltr">/);
    // The card form is the island's (its own document), framed by the page.
    assert.doesNotMatch(res.text, /<form|<input/);
    const src = /<iframe class="payment-island" id="payment-island" src="([^"]+)"/.exec(res.text)?.[1] ?? '';
    assert.equal(src, `/pay/${token}/fields`);
    const island = await request(t.gateway.app).get(src).expect(200);
    assert.match(island.text, /<html lang="ru" dir="ltr" class="island-doc">/);
    for (const ac of ['cc-number', 'cc-exp', 'cc-csc', 'cc-name']) assert.match(island.text, new RegExp(`autocomplete="${ac}"`));
    for (const id of ['card-number', 'card-expiry', 'card-cvc', 'card-name']) assert.match(island.text, new RegExp(`<label for="${id}"`));
    assert.match(island.text, /<form class="card-form" method="post" action="\/pay\/[0-9A-Za-z]{32}" target="_parent"/);
    for (const r of [res, island]) {
      assert.equal(r.headers['cache-control'], 'no-store');
      const csp = String(r.headers['content-security-policy']);
      assert.match(csp, /script-src 'nonce-[^']+'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.doesNotMatch(r.text, /\son[a-z]+=/i);
    }
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.match(String(island.headers['content-security-policy']), /frame-ancestors 'self'/);
    assert.match(String(island.headers['content-security-policy']), /img-src 'self';/);
    assert.equal(island.headers['x-frame-options'], 'SAMEORIGIN');
  });

  it('pays an approved card, redirects to the result and signs the return to the shop', async () => {
    const { id, token } = await open();
    const post = await postCard(t.gateway.app, token, CARDS.visa);
    assert.equal(post.status, 303);
    assert.equal(post.headers.location, `/pay/${token}`);
    const result = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
    assert.match(result.text, /Payment successful/);
    assert.match(result.text, /Visa •••• 4242/);
    assert.doesNotMatch(result.text, /4242424242424242/);
    const href = /href="([^"]+)" id="return-link"/.exec(result.text)?.[1] ?? '';
    const url = new URL(href.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='));
    assert.equal(url.origin + url.pathname, 'https://shop.example/return');
    assert.equal(url.searchParams.get('x'), '1');
    assert.equal(url.searchParams.get('payment_id'), id);
    assert.equal(url.searchParams.get('status'), 'captured');
    const order = url.searchParams.get('order_id') ?? '';
    assert.equal(url.searchParams.get('signature'), shopHmac(secret, `${id}\n${order}\ncaptured`));
  });

  it('never charges twice: a re-posted form is refused before the bank is asked', async () => {
    const { id, token } = await open();
    const form = await cardFormOf(t.gateway.app, token);
    const fields = { form_token: form.token, number: CARDS.visa, expiry: expiry(), cvc: '123' };
    const [a, b] = await Promise.all([
      request(t.gateway.app).post(form.action).type('form').send(fields),
      request(t.gateway.app).post(form.action).type('form').send(fields),
    ]);
    assert.equal(a.status, 303);
    assert.equal(b.status, 303);
    await request(t.gateway.app).post(form.action).type('form').send(fields).expect(303);
    const ops = await t.gateway.db('bank_operations').where({ payment_id: id });
    assert.equal(ops.length, 1);
    assert.equal((await shop.get(`/v1/payments/${id}`)).body.status, 'captured');
  });

  it('refuses a post without a form token (CSRF) and changes nothing', async () => {
    const { id, token } = await open();
    await request(t.gateway.app).post(`/pay/${token}`).type('form').send({ number: CARDS.visa, expiry: expiry(), cvc: '123' }).expect(303);
    assert.equal((await shop.get(`/v1/payments/${id}`)).body.status, 'pending');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: id })).length, 0);
  });

  it('shows field errors without echoing the card number or CVC', async () => {
    const { id, token } = await open();
    const res = await postCard(t.gateway.app, token, '4242424242424241', { cvc: '987' });
    assert.equal(res.status, 422);
    // The 422 is the payment page; its island shows the errors (sealed into the island's URL, never the card number).
    const island = await islandOf(t.gateway.app, res.text);
    assert.match(island, /id="card-number-error" aria-live="polite">Enter a valid card number/);
    for (const html of [res.text, island]) {
      assert.doesNotMatch(html, /424242424242424/);
      // Signatures, tokens and nonces are random and may contain any three digits, so
      // they are blanked before looking for the CVC anywhere else in the page.
      const withoutRandomValues = html.replace(/[A-Za-z0-9+/_-]{16,}(&#x3D;)*/g, '');
      assert.doesNotMatch(withoutRandomValues, /987/);
      assert.doesNotMatch(html, /value="987"/);
    }
    assert.match(island, /value="Ann Buyer"/);
    assert.equal((await shop.get(`/v1/payments/${id}`)).body.status, 'pending');
  });

  it('shows a decline and lets the buyer retry with another card', async () => {
    const { token } = await open();
    assert.equal((await postCard(t.gateway.app, token, CARDS.insufficientFunds)).status, 303);
    const declined = (await cardFormOf(t.gateway.app, token)).html;
    assert.match(declined, /Payment declined/);
    assert.match(declined, /insufficient funds/);
    assert.equal((await postCard(t.gateway.app, token, CARDS.mastercard)).status, 303);
    assert.match((await request(t.gateway.app).get(`/pay/${token}`)).text, /Payment successful/);
  });

  it('chooses the language from Accept-Language and lays Arabic out right to left', async () => {
    const { token } = await open({ currency: 'USD', amount: 123456 });
    const ar = await request(t.gateway.app).get(`/pay/${token}`).set('Accept-Language', 'ar-EG,ar;q=0.9,en;q=0.5').expect(200);
    assert.match(ar.text, /<html lang="ar" dir="rtl">/);
    const arIsland = await request(t.gateway.app).get(`/pay/${token}/fields`).set('Accept-Language', 'ar-EG,ar;q=0.9,en;q=0.5').expect(200);
    assert.match(arIsland.text, /رقم البطاقة/);
    const en = await request(t.gateway.app).get(`/pay/${token}`).set('Accept-Language', 'de-DE,en;q=0.8').expect(200);
    assert.match(en.text, /<html lang="en" dir="ltr">/);
    assert.match(en.text, /\$1,234\.56/);
  });

  it('runs the 3-D Secure challenge at the sandbox ACS: 123456 passes, anything else fails', async () => {
    for (const [code, status, eci] of [
      ['123456', 'captured', '05'],
      ['000000', 'declined', '07'],
    ] as const) {
      const { id, token } = await open();
      assert.equal((await postCard(t.gateway.app, token, CARDS.threeDSecure)).status, 303);
      const challenge = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
      const creq = /name="creq" value="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
      const notification = /name="notification_url" value="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
      assert.equal(notification, `/pay/${token}/3ds`);
      await request(t.gateway.app).post('/sandbox/3ds/challenge').type('form').send({ creq, notification_url: notification }).expect(200);
      const answer = await request(t.gateway.app).post('/sandbox/3ds/answer').type('form').send({ creq, notification_url: notification, code }).expect(200);
      const cres = /name="cres" value="([^"]+)"/.exec(answer.text)?.[1] ?? '';
      await request(t.gateway.app).post(notification).type('form').send({ cres }).expect(303);
      // The same CRes again (a reload) changes nothing.
      await request(t.gateway.app).post(notification).type('form').send({ cres }).expect(303);
      const p = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
      assert.equal(p.status, status);
      assert.deepEqual(p.three_d_secure, { eci, status: code === '123456' ? 'Y' : 'N' });
      if (status === 'declined') assert.equal(p.failure_code, 'authentication_failed');
    }
  });

  it('rejects a forged CRes as an authentication failure', async () => {
    const { id, token } = await open();
    assert.equal((await postCard(t.gateway.app, token, CARDS.threeDSecure)).status, 303);
    await request(t.gateway.app).post(`/pay/${token}/3ds`).type('form').send({ cres: 'tds_x.Y.00' }).expect(303);
    const p = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
    assert.equal(p.status, 'declined');
    assert.deepEqual(p.three_d_secure, { eci: '07', status: 'R' });
  });

  it('answers an unknown page token with an error page, not JSON', async () => {
    const res = await request(t.gateway.app).get('/pay/doesnotexist0000000000000000000').expect(404);
    assert.match(res.text, /Payment page not found/);
  });

  describe('signed HTML form', () => {
    let pk: string;
    before(async () => {
      const m = await t.createMerchant('Form Shop');
      pk = m.publishableKey;
      const client = new MerchantClient(t.gateway.app, m.key);
      secret = (await client.get('/v1/account').expect(200)).body.signing_secret;
    });
    const fields = () => ({ key: pk, order_id: 'F-1', amount: '2500', currency: 'RUB', description: 'Tea', return_url: 'https://shop.example/done' });
    const sign = (f: Record<string, string>) => shopHmac(secret, [f.key, f.order_id, f.amount, f.currency, f.description, f.return_url].join('\n'));

    it('creates the payment once and opens its page', async () => {
      const f = fields();
      const res = await request(t.gateway.app)
        .post('/pay/form')
        .type('form')
        .send({ ...f, signature: sign(f) })
        .expect(303);
      const again = await request(t.gateway.app)
        .post('/pay/form')
        .type('form')
        .send({ ...f, signature: sign(f) })
        .expect(303);
      assert.equal(res.headers.location, again.headers.location);
      const page = await request(t.gateway.app).get(res.headers.location).expect(200);
      assert.match(page.text, /Form Shop/);
      assert.match(page.text, /Tea/);
    });

    it('shows a clear error and creates nothing for a bad or missing signature', async () => {
      const before = (await t.gateway.db('payments').count({ n: '*' }).first())?.n;
      const f = fields();
      const bad = await request(t.gateway.app)
        .post('/pay/form')
        .type('form')
        .send({ ...f, amount: '1', signature: sign(f) })
        .expect(400);
      assert.match(bad.text, /not signed correctly/);
      await request(t.gateway.app).post('/pay/form').type('form').send(f).expect(400);
      assert.equal((await t.gateway.db('payments').count({ n: '*' }).first())?.n, before);
    });
  });
});
