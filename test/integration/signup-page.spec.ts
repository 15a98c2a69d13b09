import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';

/** The CSRF cookie and hidden token of a freshly loaded sign-up form. */
async function loadForm(t: TestGateway): Promise<{ cookie: string; token: string; html: string }> {
  const res = await request(t.gateway.app)
    .get('/signup')
    .expect(200)
    .expect('Content-Type', /text\/html/);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = setCookie.find((c) => c.startsWith('tender_signup_csrf='));
  assert.ok(cookie !== undefined, 'sets the CSRF cookie');
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Strict/i);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  assert.ok(token !== undefined);
  return { cookie: cookie.split(';')[0] ?? '', token, html: res.text };
}

describe('the public sign-up page', function () {
  let t: TestGateway;

  before(async () => {
    t = await startTestGateway();
  });
  after(() => t.close());

  it('is an accessible, mobile-friendly form with labels and a CSRF token', async () => {
    const { html } = await loadForm(t);
    assert.match(html, /<html lang="en" dir="ltr">/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    for (const field of ['name', 'email']) {
      assert.match(html, new RegExp(`<label for="${field}">`));
      assert.match(html, new RegExp(`<input id="${field}" name="${field}"`));
    }
    assert.match(html, /<button type="submit">/);
  });

  it('refuses a post without the page token and creates nothing', async () => {
    const before = Number((await t.gateway.db('merchants').count({ n: '*' }).first())?.n);
    const res = await request(t.gateway.app).post('/signup').type('form').send({ name: 'Forged', email: 'f@example.com', _csrf: 'guess' }).expect(403);
    assert.match(res.text, /form has expired or was not sent from this site/);
    const form = await loadForm(t);
    await request(t.gateway.app)
      .post('/signup')
      .set('Cookie', form.cookie)
      .type('form')
      .send({ name: 'Forged', email: 'f@example.com', _csrf: `${form.token.slice(1)}x` })
      .expect(403);
    assert.equal(Number((await t.gateway.db('merchants').count({ n: '*' }).first())?.n), before);
  });

  it('shows field errors next to the fields, escaped, and keeps what was typed', async () => {
    const form = await loadForm(t);
    const res = await request(t.gateway.app)
      .post('/signup')
      .set('Cookie', form.cookie)
      .type('form')
      .send({ name: '<script>alert(1)</script>', email: 'nope', _csrf: form.token })
      .expect(400);
    assert.match(res.text, /role="alert"/);
    assert.match(res.text, /id="email-error"/);
    assert.match(res.text, /aria-invalid="true"/);
    assert.ok(!res.text.includes('<script>alert(1)</script>'));
    assert.match(res.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('signs a shop up and shows its working test keys once', async () => {
    const form = await loadForm(t);
    const res = await request(t.gateway.app)
      .post('/signup')
      .set('Cookie', form.cookie)
      .type('form')
      .send({ name: 'Page Shop', email: 'page@shop.example', password: 'page shop password', _csrf: form.token })
      .expect(201);
    assert.equal(res.headers['cache-control'], 'no-store');
    const key = /id="test-secret-key">(sk_test_[0-9A-Za-z]+)</.exec(res.text)?.[1];
    assert.ok(key !== undefined);
    assert.match(res.text, /id="test-publishable-key">pk_test_/);
    const shop = new MerchantClient(t.gateway.app, key);
    const status = await shop.get('/v1/account/onboarding').expect(200);
    assert.equal(status.body.merchant.name, 'Page Shop');
    assert.equal(status.body.merchant.stage, 'applied');
    const owner = await t.gateway.db('web_accounts').where({ email: 'page@shop.example', realm: 'merchant' }).first();
    assert.equal(owner!.role, 'owner', "the sign-up makes the owner's dashboard account");
    assert.match(res.text, /id="open-dashboard" href="\/dashboard\/signin\?lang(=|&#x3D;)en"/);
    assert.doesNotMatch(res.text, /POST \/v1\/account\/registration/, 'the next step is the dashboard, not an API call');
  });

  it('refuses a short password, an unknown time zone and an e-mail that already has an account, creating nothing', async () => {
    const count = async (): Promise<number> => Number((await t.gateway.db('merchants').count({ n: '*' }).first())?.n ?? 0);
    const before = await count();
    let form = await loadForm(t);
    const weak = await request(t.gateway.app)
      .post('/signup')
      .set('Cookie', form.cookie)
      .type('form')
      .send({ name: 'Weak', email: 'weak@shop.example', password: 'short', time_zone: 'Mars/Olympus', _csrf: form.token })
      .expect(400);
    assert.match(weak.text, /id="password-error"/);
    assert.match(weak.text, /id="time_zone-error"/);
    form = await loadForm(t);
    const again = await request(t.gateway.app)
      .post('/signup')
      .set('Cookie', form.cookie)
      .type('form')
      .send({ name: 'Page Shop 2', email: 'page@shop.example', password: 'another password', _csrf: form.token })
      .expect(409);
    assert.match(again.text, /already has a dashboard account/);
    assert.equal(await count(), before, 'no merchant without its owner');
  });

  it('speaks Russian and Arabic, and keeps the chosen language and zone', async () => {
    const ru = await request(t.gateway.app).get('/signup?lang=ru').expect(200);
    assert.match(ru.text, /<html lang="ru" dir="ltr">/);
    assert.match(ru.text, /Получить тестовые ключи/);
    const ar = await request(t.gateway.app).get('/signup').set('Accept-Language', 'ar-EG,ar;q=0.9').expect(200);
    assert.match(ar.text, /<html lang="ar" dir="rtl">/);
    const form = await loadForm(t);
    const res = await request(t.gateway.app)
      .post('/signup')
      .set('Cookie', form.cookie)
      .type('form')
      .send({ name: 'Чайная', email: 'tea@shop.example', password: 'чайная-пароль', locale: 'ru', time_zone: 'Europe/Samara', _csrf: form.token })
      .expect(201);
    assert.match(res.text, /Тестовый режим действует до .+ \(Europe\/Samara\)/);
    assert.match(String(res.headers['set-cookie']), /tender_web_lang=ru/);
    const row = await t.gateway.db('merchants').where({ email: 'tea@shop.example' }).first();
    assert.deepEqual([row!.locale, row!.time_zone], ['ru', 'Europe/Samara']);
  });
});

describe('public applications are rate-limited', function () {
  it('answers rate_limited (429) after 20 applications an hour from one address', async () => {
    const t = await startTestGateway();
    try {
      for (let i = 0; i < 20; i++)
        await request(t.gateway.app)
          .post('/v1/applications')
          .send({ name: `Shop ${i}`, email: `s${i}@example.com` })
          .expect(201);
      const res = await request(t.gateway.app).post('/v1/applications').send({ name: 'One too many', email: 'x@example.com' }).expect(429);
      assert.equal(res.body.error.code, 'rate_limited');
      assert.equal(res.body.error.type, 'rate_limit_error');
      assert.equal(Number((await t.gateway.db('merchants').count({ n: '*' }).first())?.n), 20);
    } finally {
      await t.close();
    }
  });
});
