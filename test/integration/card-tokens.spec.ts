import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { RowCounter } from '../support/row-counts';
import { pageTokenOf } from '../support/hosted-page';
import { FixedClock } from '@tender/core';

const SHOP_ORIGIN = 'http://127.0.0.1:9999';

describe('card tokens (embedded fields): POST /v1/tokens and confirm with tok_', () => {
  let t: TestGateway;
  let shop: MerchantClient;
  let pk: string;
  let sk: string;

  before(async () => {
    t = await startTestGateway({ captureLogs: true });
    const m = await t.createMerchant('Fields Shop');
    sk = m.key;
    pk = m.publishableKey;
    shop = new MerchantClient(t.gateway.app, m.key);
    await request(t.gateway.app)
      .put('/v1/branding')
      .set('Authorization', `Bearer ${sk}`)
      .send({ frame_ancestors: [SHOP_ORIGIN] })
      .expect(200);
  });
  after(async () => {
    await t?.close();
  });

  const card = (number: string = CARDS.visa, cvc = '123') => ({ number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc });
  const tokenize = (body: unknown, key = pk) =>
    request(t.gateway.app)
      .post('/v1/tokens')
      .set('Authorization', `Bearer ${key}`)
      .send(body as object);

  it('makes a token with a publishable key that pays one payment, once; the CVC is nowhere in the database', async () => {
    const tok = (await tokenize({ card: card(), origin: SHOP_ORIGIN }).expect(201)).body;
    assert.match(tok.id, /^tok_[0-9A-Za-z]{24}$/);
    assert.deepEqual(tok.card, { brand: 'visa', bin: '424242', last4: '4242', exp_month: 12, exp_year: card().exp_year });
    assert.equal(JSON.stringify(tok).includes(CARDS.visa), false);
    const row = await t.gateway.db('card_tokens').where({ id: tok.id }).first();
    assert.equal(JSON.stringify(row).includes('123"') || Object.values(row as object).some((v) => v === '123'), false);
    assert.equal(JSON.stringify(row).includes(CARDS.visa), false);

    const p = await shop.createPayment();
    const paid = (await shop.post(`/v1/payments/${p.id}/confirm`, { payment_method: tok.id }).expect(200)).body;
    assert.equal(paid.status, 'captured');
    assert.deepEqual([paid.card.brand, paid.card.last4], ['visa', '4242']);
    assert.equal((await t.gateway.db('card_tokens').where({ id: tok.id }).first())!.payment_id, p.id);

    const other = await shop.createPayment();
    const again = await shop.post(`/v1/payments/${other.id}/confirm`, { payment_method: tok.id }).expect(400);
    assert.equal(again.body.error.code, 'card_token_used');
    assert.equal((await shop.get(`/v1/payments/${other.id}`).expect(200)).body.status, 'pending');
  });

  it('keeps a token usable after a confirm refused inside its transaction (a payment already paid)', async () => {
    const paid = await shop.createPayment();
    await shop.post(`/v1/payments/${paid.id}/confirm`, { payment_method: { type: 'card', card: card() } }).expect(200);
    const tok = (await tokenize({ card: card() }).expect(201)).body;
    const refused = await shop.post(`/v1/payments/${paid.id}/confirm`, { payment_method: tok.id });
    assert.ok(refused.status >= 400 && refused.status < 500);
    assert.equal((await t.gateway.db('card_tokens').where({ id: tok.id }).first())!.used_at, null);
    const p = await shop.createPayment();
    assert.equal((await shop.post(`/v1/payments/${p.id}/confirm`, { payment_method: tok.id }).expect(200)).body.status, 'captured');
  });

  it('lets exactly one of two racing confirms spend a token', async () => {
    const tok = (await tokenize({ card: card() }).expect(201)).body;
    const a = await shop.createPayment();
    const b = await shop.createPayment();
    const [ra, rb] = await Promise.all([
      shop.post(`/v1/payments/${a.id}/confirm`, { payment_method: tok.id }),
      shop.post(`/v1/payments/${b.id}/confirm`, { payment_method: tok.id }),
    ]);
    const statuses = [ra.status, rb.status].sort();
    assert.deepEqual(statuses, [200, 400]);
    const captured = (await t.gateway.db('payments').whereIn('id', [a.id, b.id]).where({ status: 'captured' })).length;
    assert.equal(captured, 1);
  });

  it("refuses bad input, a secret key, an unregistered origin and another merchant's token, writing nothing", async () => {
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    for (const [body, code] of [
      [{ card: card('4242424242424241') }, 'card_number_invalid'],
      [{ card: { ...card(), exp_month: 13 } }, 'card_expiry_invalid'],
      [{ card: card(CARDS.visa, '12') }, 'card_cvc_invalid'],
      [{ card: card(), origin: 'https://evil.example' }, 'token_origin_not_allowed'],
      [{ card: card(), extra: 1 }, 'parameter_unknown'],
    ] as const) {
      const r = await tokenize(body).expect((res) => assert.ok(res.status >= 400 && res.status < 500));
      assert.equal(r.body.error.code, code);
      assert.equal(JSON.stringify(r.body).includes('424242424242'), false);
    }
    assert.equal((await tokenize({ card: card() }, sk).expect(403)).body.error.code, 'api_key_wrong_kind');
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);

    const tok = (await tokenize({ card: card() }).expect(201)).body;
    const stranger = await t.createMerchant('Other Shop');
    const theirs = new MerchantClient(t.gateway.app, stranger.key);
    const p = await theirs.createPayment();
    assert.equal((await theirs.post(`/v1/payments/${p.id}/confirm`, { payment_method: tok.id }).expect(404)).body.error.code, 'resource_not_found');
    assert.equal((await t.gateway.db('card_tokens').where({ id: tok.id }).first())!.used_at, null);
  });

  it('confirms by client secret from the fields (POST /elements/confirm) and asks for 3-D Secure in a frame', async () => {
    const tok = (await tokenize({ card: card(CARDS.threeDSecure) }).expect(201)).body;
    const p = await shop.createPayment();
    const secret = pageTokenOf(String(p.payment_url));
    const r = await request(t.gateway.app).post('/elements/confirm').send({ client_secret: secret, token: tok.id }).expect(200);
    assert.equal(r.body.payment.status, 'requires_action');
    assert.equal(r.body.next_action.url, `/elements/challenge/${secret}`);
    const frame = await request(t.gateway.app).get(r.body.next_action.url).expect(200);
    assert.match(String(frame.headers['content-security-policy']), new RegExp(`frame-ancestors 'self' ${SHOP_ORIGIN.replace(/[.]/g, '\\.')}`));
    const creq = /name="creq" value="([^"]+)"/.exec(frame.text)?.[1] ?? '';
    const notification = /name="notification_url" value="([^"]+)"/.exec(frame.text)?.[1] ?? '';
    assert.equal(notification, `/elements/challenge/${secret}/return`);
    const answer = await request(t.gateway.app)
      .post('/sandbox/3ds/answer')
      .type('form')
      .send({ creq, notification_url: notification, code: '123456' })
      .expect(200);
    const cres = /name="cres" value="([^"]+)"/.exec(answer.text)?.[1] ?? '';
    const done = await request(t.gateway.app).post(notification).type('form').send({ cres }).expect(200);
    assert.match(done.text, /data-status="captured"/);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'captured');
    // A wrong client secret finds nothing.
    await request(t.gateway.app)
      .post('/elements/confirm')
      .send({ client_secret: 'x'.repeat(32), token: tok.id })
      .expect(404);
  });

  it('serves the field frame only for a publishable key and a registered origin, framed by that origin alone', async () => {
    const q = (o: string, key = pk) => `/elements/field?field=number&key=${key}&origin=${encodeURIComponent(o)}&session=abcdefabcdefabcdef`;
    const ok = await request(t.gateway.app).get(q(SHOP_ORIGIN)).expect(200);
    assert.match(String(ok.headers['content-security-policy']), new RegExp(`frame-ancestors ${SHOP_ORIGIN.replace(/[.]/g, '\\.')}(;|$)`));
    assert.match(ok.text, /<label for="tender-input"[^>]*>Card number<\/label>/);
    await request(t.gateway.app).get(q('https://evil.example')).expect(403);
    await request(t.gateway.app).get(q(SHOP_ORIGIN, sk)).expect(403);
    const js = await request(t.gateway.app).get('/js/tender.js').expect(200);
    assert.match(String(js.headers['content-type']), /javascript/);
  });

  it('never logs a card number or a CVC, whatever the token requests carried', async () => {
    await tokenize({ card: card(CARDS.mastercard, '9183') }).expect(201);
    await tokenize({ card: card('5555555555554443', '9184') }).expect(400);
    await tokenize({ card: { ...card(CARDS.mastercard, '9185'), exp_year: 1999 } }).expect(400);
    await request(t.gateway.app)
      .post('/v1/tokens')
      .set('Authorization', `Bearer ${pk}`)
      .type('json')
      .send('{"card": {"number": "5555555555554444", "cvc": "9186"')
      .expect(400);
    const logs = t.logs();
    assert.ok(logs.length > 0);
    for (const pan of [CARDS.mastercard, '5555555555554443']) assert.equal(logs.includes(pan), false, pan);
    // A 4-digit CVC may occur inside a timestamp or a duration by chance: look for it as a value, and for any cvc field.
    for (const cvc of ['9183', '9184', '9185', '9186'])
      assert.equal(new RegExp(`["=:]${cvc}(?!\\d)`).test(logs.replace(/"[a-z_]*(time|ms|at|duration)[a-z_]*":\d+/gi, '')), false, cvc);
    assert.equal(/"cvc"/i.test(logs), false);
  });

  it('refuses a bad confirm from the fields (POST /elements/confirm) writing nothing', async () => {
    const p = await shop.createPayment();
    const secret = pageTokenOf(String(p.payment_url));
    const stranger = await t.createMerchant('Stranger Shop');
    await request(t.gateway.app)
      .put('/v1/branding')
      .set('Authorization', `Bearer ${stranger.key}`)
      .send({ frame_ancestors: [SHOP_ORIGIN] })
      .expect(200);
    const theirToken = (
      await request(t.gateway.app).post('/v1/tokens').set('Authorization', `Bearer ${stranger.publishableKey}`).send({ card: card() }).expect(201)
    ).body.id as string;
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    await request(t.gateway.app).post('/elements/confirm').send({ client_secret: secret, token: theirToken }).expect(404);
    await request(t.gateway.app).post('/elements/confirm').send({ client_secret: secret, token: 'tok_x' }).expect(400);
    await request(t.gateway.app).post('/elements/confirm').send({ client_secret: secret, token: theirToken, card: card() }).expect(400);
    await request(t.gateway.app).post('/elements/confirm').type('form').send({ client_secret: secret, token: theirToken }).expect(415);
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'pending');
  });
});

describe('card tokens expire with their CVC', () => {
  let t: TestGateway;
  let shop: MerchantClient;
  let pk: string;
  const clock = new FixedClock(Date.now());

  before(async () => {
    t = await startTestGateway({ clock });
    const m = await t.createMerchant('Slow Shop');
    pk = m.publishableKey;
    shop = new MerchantClient(t.gateway.app, m.key);
  });
  after(async () => {
    await t?.close();
  });

  const tokenize = async (): Promise<string> =>
    (
      await request(t.gateway.app)
        .post('/v1/tokens')
        .set('Authorization', `Bearer ${pk}`)
        .send({ card: { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } })
        .expect(201)
    ).body.id as string;

  it('refuses a token after 10 minutes (card_token_expired) and leaves the payment and the token as they were', async () => {
    const tok = await tokenize();
    clock.advance(10 * 60_000 + 1);
    const p = await shop.createPayment();
    assert.equal((await shop.post(`/v1/payments/${p.id}/confirm`, { payment_method: tok }).expect(400)).body.error.code, 'card_token_expired');
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'pending');
    assert.equal((await t.gateway.db('card_tokens').where({ id: tok }).first())!.used_at, null);
  });

  it('refuses a token whose CVC this process does not hold (another process, a restart): the buyer types the card again', async () => {
    const tok = await tokenize();
    // The row as another gateway process would have written it: its CVC is in that process's memory, not this one's.
    const row = await t.gateway.db('card_tokens').where({ id: tok }).first();
    const copy = { ...row!, id: `tok_${'A'.repeat(24)}` };
    await t.gateway.db('card_tokens').insert(copy);
    const p = await shop.createPayment();
    assert.equal((await shop.post(`/v1/payments/${p.id}/confirm`, { payment_method: copy.id }).expect(400)).body.error.code, 'card_token_expired');
    assert.equal((await shop.post(`/v1/payments/${p.id}/confirm`, { payment_method: tok }).expect(200)).body.status, 'captured');
  });
});
