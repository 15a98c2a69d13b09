import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';
import { payAs, putMerchantRules } from '../support/risk-helpers';
import { WebAgent, createMerchantUser, setMode, signInAgent } from '../support/web-session';

/** Developers, branding, onboarding and risk screens through HTTP, each checked against the service it drives. */
describe('dashboard: developers, branding, onboarding and risk screens', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let merchantId: string;
  let owner: WebAgent;
  let developer: WebAgent;
  let support: WebAgent;
  let receiver: WebhookReceiver;

  before(async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    t.gateway.startBackgroundJobs();
    const merchant = await t.createMerchant('Tea Shop');
    merchantId = merchant.id;
    shop = new MerchantClient(t.gateway.app, merchant.key);
    owner = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId, role: 'owner' }));
    developer = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId, role: 'developer' }));
    support = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId, role: 'support' }));
    receiver = await new WebhookReceiver().start();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  it('creates a labelled key shown once, rolls it and revokes it', async () => {
    const created = await developer.agent
      .post('/dashboard/developers/keys')
      .type('form')
      .send({ _csrf: developer.csrf, label: 'Checkout server', kind: 'secret' })
      .expect(201);
    const secret = /id="issued-secret">([^<]+)</.exec(created.text)?.[1];
    assert.ok(secret !== undefined && secret.startsWith('sk_test_'));
    await new MerchantClient(t.gateway.app, secret).get('/v1/payments').expect(200);
    const row = await t.gateway.db('api_keys').where({ merchant_id: merchantId, label: 'Checkout server' }).first();
    assert.ok(row);
    const listed = await developer.agent.get('/dashboard/developers').expect(200);
    assert.ok(listed.text.includes('Checkout server'));
    assert.ok(!listed.text.includes(secret), 'the key is shown once, not in the list');

    const rolled = await developer.agent
      .post(`/dashboard/developers/keys/${row.id}/roll`)
      .type('form')
      .send({ _csrf: developer.csrf, expires_in_hours: '0' })
      .expect(200);
    const next = /id="issued-secret">([^<]+)</.exec(rolled.text)?.[1];
    assert.ok(next !== undefined && next !== secret);
    await new MerchantClient(t.gateway.app, next).get('/v1/payments').expect(200);
    const newRow = await t.gateway.db('api_keys').where({ merchant_id: merchantId, label: 'Checkout server' }).whereNull('expires_at').first();
    await developer.agent.post(`/dashboard/developers/keys/${newRow!.id}/revoke`).type('form').send({ _csrf: developer.csrf }).expect(200);
    await new MerchantClient(t.gateway.app, next).get('/v1/payments').expect(401);
    await developer.agent.post('/dashboard/developers/keys/key_doesnotexist/revoke').type('form').send({ _csrf: developer.csrf }).expect(404);
  });

  it('offers no live mode and creates no live key before the merchant is live', async () => {
    await setMode(owner, 'live');
    const page = (await owner.agent.get('/dashboard/developers').expect(200)).text;
    assert.doesNotMatch(page, /data-mode="live"/, 'the header offers no Live switch');
    assert.match(page, /pk_test_/, 'the switch was refused: still test mode');
    // A session left in live mode (set before this rule) still gets no live key.
    await t.gateway.db('web_sessions').where({ account_id: owner.user.accountId }).update({ mode: 'live' });
    const before = (await t.gateway.db('api_keys').where({ merchant_id: merchantId, livemode: true })).length;
    const refused = await owner.agent.post('/dashboard/developers/keys').type('form').send({ _csrf: owner.csrf, label: 'too early' }).expect(409);
    assert.match(refused.text, /merchant_invalid_stage/);
    assert.equal((await t.gateway.db('api_keys').where({ merchant_id: merchantId, livemode: true })).length, before);
    assert.ok(!(await owner.agent.get('/dashboard/developers').expect(200)).text.includes('Checkout server'), 'live mode lists no test keys');
    await setMode(owner, 'test');
  });

  it('adds a webhook endpoint, shows its deliveries and resends one', async () => {
    const created = await owner.agent
      .post('/dashboard/developers/webhooks')
      .type('form')
      .send({ _csrf: owner.csrf, url: receiver.url(), events: 'payment.*' })
      .expect(201);
    const endpointId = /id="endpoint-secret">[\s\S]*?<code>(we_[0-9A-Za-z]+)<\/code>/.exec(created.text)?.[1];
    assert.ok(endpointId !== undefined, created.text.slice(0, 2000));
    const p = await shop.pay(CARDS.visa, { amount: 2500 });
    await eventually(async () => (await t.gateway.db('webhook_deliveries').where({ endpoint_id: endpointId, status: 'delivered' })).length >= 2, 'deliveries');
    const log = await owner.agent.get(`/dashboard/developers/webhooks/${endpointId}`).expect(200);
    assert.match(log.text, /payment\.captured/);
    const event = await t.gateway.db('events').where({ object_id: p.id, type: 'payment.captured' }).first();
    const before = (await t.gateway.db('webhook_deliveries').where({ event_id: event!.id })).length;
    await owner.agent.post(`/dashboard/developers/webhooks/${endpointId}/resend`).type('form').send({ _csrf: owner.csrf, event_id: event!.id }).expect(303);
    assert.equal((await t.gateway.db('webhook_deliveries').where({ event_id: event!.id })).length, before + 1);
    await eventually(async () => receiver.received.filter((h) => h.eventId === event!.id).length >= 2, 'the resent event arrives');
    const bad = await owner.agent.post('/dashboard/developers/webhooks').type('form').send({ _csrf: owner.csrf, url: 'ftp://nope', events: '*' });
    assert.equal(bad.status, 400);
  });

  it('creates a payment link and shows the HTML snippet', async () => {
    const created = await owner.agent
      .post('/dashboard/developers/links')
      .type('form')
      .send({ _csrf: owner.csrf, description: 'Gift card', amount: '500.00', currency: 'RUB' })
      .expect(201);
    assert.match(created.text, /id="created-link"/);
    const link = await t.gateway.db('payment_links').where({ merchant_id: merchantId }).first();
    assert.equal(Number(link!.amount), 50000);
    assert.match(created.text, /id="html-snippet"/);
    assert.match(created.text, /\/pay\/form/);
    await owner.agent
      .post('/dashboard/developers/links')
      .type('form')
      .send({ _csrf: owner.csrf, description: 'Bad', amount: '5.001', currency: 'RUB' })
      .expect(400);
  });

  it('previews branding as a draft in two widths, then publishes it', async () => {
    await owner.agent
      .post('/dashboard/branding/preview')
      .type('form')
      .send({ _csrf: owner.csrf, primary_color: '#0a7d32', font: 'serif', button_style: 'pill' })
      .expect(200);
    assert.equal((await shop.get('/v1/branding').expect(200)).body.primary_color, null, 'a preview publishes nothing');
    const editor = await owner.agent.get('/dashboard/branding').expect(200);
    assert.match(editor.text, /id="preview-desktop"/);
    assert.match(editor.text, /id="preview-mobile"/);
    const frame = await owner.agent.get('/dashboard/branding/frame').expect(200);
    assert.match(frame.text, /--tender-primary: #0a7d32/);
    assert.match(String(frame.headers['content-security-policy']), /frame-ancestors 'self'/);
    const refused = await owner.agent.post('/dashboard/branding/preview').type('form').send({ _csrf: owner.csrf, primary_color: 'green' }).expect(400);
    assert.match(refused.text, /primary_color/);
    await owner.agent.post('/dashboard/branding/publish').type('form').send({ _csrf: owner.csrf }).expect(200);
    const published = (await shop.get('/v1/branding').expect(200)).body;
    assert.equal(published.primary_color, '#0a7d32');
    assert.equal(published.button_style, 'pill');
    await support.agent.get('/dashboard/branding/frame').expect(403);
  });

  it('shows the onboarding stage', async () => {
    const page = await support.agent.get('/dashboard/onboarding').expect(200);
    assert.match(page.text, /id="stages"/);
    assert.match(page.text, /aria-current="step"/);
  });

  it('approves a held payment from the review queue; support may decide, not edit rules', async () => {
    await putMerchantRules(t.gateway.app, shop, { rules: { amount: { max_amounts: { RUB: 100000 }, max_score: 80 } } }).expect(200);
    const p = await payAs(shop, CARDS.visa, { ip: '192.0.2.10', email: 'big@example.com' }, { amount: 150000 });
    assert.equal(p.status, 'authorized');
    const page = await support.agent.get('/dashboard/risk').expect(200);
    const reviewId = new RegExp(`data-review-id="(rrv_[0-9A-Za-z]+)"[\\s\\S]*?${p.id}`).exec(page.text)?.[1];
    assert.ok(reviewId !== undefined);
    assert.ok(!page.text.includes('id="rules-form"'));
    assert.match(page.text, /id="review-deadline-note">A review nobody decides is rejected 24 h after it opens/);
    assert.match(page.text, /above the limit RUB\s1,000\.00/, 'the reason in major units, as the amounts');
    // One click decides nothing; the confirmation page says what will happen, then the decision shows its result.
    const unconfirmed = await support.agent.post(`/dashboard/risk/reviews/${reviewId}/approve`).type('form').send({ _csrf: support.csrf }).expect(400);
    assert.match(unconfirmed.text, /confirmation_required/);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'authorized');
    const confirmPage = await support.agent.post(`/dashboard/risk/reviews/${reviewId}/approve/review`).type('form').send({ _csrf: support.csrf }).expect(200);
    assert.match(confirmPage.text, /id="review-consequence">Approving captures the payment/);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'authorized');
    const decided = await support.agent
      .post(`/dashboard/risk/reviews/${reviewId}/approve`)
      .type('form')
      .send({ _csrf: support.csrf, confirm: 'yes' })
      .expect(303);
    assert.equal(decided.headers.location, `/dashboard/risk?decided=${reviewId}&result=approved&payment_status=captured`);
    assert.match((await support.agent.get(decided.headers.location).expect(200)).text, /id="review-done">Review approved; the payment is now captured/);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'captured');
    await support.agent.post('/dashboard/risk/rules').type('form').send({ _csrf: support.csrf, dry_run: 'true' }).expect(403);
    const bad = await owner.agent.post('/dashboard/risk/rules').type('form').send({ _csrf: owner.csrf, 'thresholds.review': 'high' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="rf-thresholds.review-error">must be a whole number/);
    await owner.agent.post('/dashboard/risk/rules').type('form').send({ _csrf: owner.csrf, dry_run: 'true' }).expect(303);
    assert.equal((await shop.get('/v1/risk/rules').expect(200)).body.settings.dry_run, true);
  });
});
