import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { CORE_TEMPLATES_DIR, FixedClock, PaymentService, TenderError } from '@tender/core';
import { FormTokenService } from '@tender/core/dist/pages/form-token.service';
import { PaymentLinkService } from '@tender/core/dist/payment-links/payment-link.service';
import { RiskReviewService } from '@tender/core/dist/monitoring/risk-review.service';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { COMPANY, OperatorClient, apply, makeLive } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { cardFormOf, expiry, formOf, pageTokenOf, shopHmac } from '../support/hosted-page';
import { WebAgent, createMerchantUser, setMode, signInAgent } from '../support/web-session';
import { assertNothingWritten, moneyRows } from '../support/money-rows';
import { payAs, putMerchantRules } from '../support/risk-helpers';

const MINUTE = 60_000;
type Locale = 'en' | 'ru' | 'ar';
const LOCALES = Object.fromEntries(
  (['en', 'ru', 'ar'] as const).map((l) => [
    l,
    JSON.parse(fs.readFileSync(path.join(CORE_TEMPLATES_DIR, 'locales', `${l}.json`), 'utf8')) as Record<string, unknown>,
  ]),
) as Record<Locale, Record<string, unknown>>;

/**
 * Issue 16, item 0: a merchant's standing (suspended, test mode over, not live) must
 * stop every path that takes money, not only the /v1 API. Each path is tried the way
 * an attacker or an unlucky buyer would: with a page, a form token or a link obtained
 * while the merchant was still in good standing. A refusal is a clear localized page
 * (buyers) or the catalogue's code (shops), never a 500, and writes nothing.
 * Money going back to buyers (cancel, refund) keeps working. The stand-in bank is the
 * only stand-in: no real bank can run here.
 */
describe('merchant standing on every payment path', function () {
  this.timeout(60_000);
  const clock = new FixedClock(Date.now());
  const bank = new StandInBankAdapter();
  let t: TestGateway;
  let op: OperatorClient;

  before(async () => {
    t = await startTestGateway({
      clock,
      plugins: [sandboxPlugin, standInBankPlugin(bank)],
      env: { TENDER_TEST_MODE_HOURS: '1', TENDER_PAGE_TTL_MINUTES: '600' },
    });
    op = new OperatorClient(t.gateway.app);
    await op.post('/admin/v1/banks', { code: 'standin', name: 'Stand-in Bank', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(201);
  });
  after(() => t.close());

  const app = () => t.gateway.app;

  /** The buyer's page when the merchant may not take payments: its own text in the buyer's language, no form. */
  function assertUnavailable(res: request.Response, locale: Locale = 'en'): void {
    assert.equal(res.status, 403, `expected the unavailable page, got ${res.status}: ${res.text.slice(0, 300)}`);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const title = LOCALES[locale].unavailable_title;
    assert.equal(typeof title, 'string', `templates/locales/${locale}.json has unavailable_title`);
    assert.ok(res.text.includes(String(title)), `the page says "${String(title)}"`);
    assert.ok(res.text.includes(String(LOCALES[locale].unavailable_text)));
    assert.match(res.text, new RegExp(`<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`));
    assert.doesNotMatch(res.text, /name="form_token"/, 'no form to submit');
    assert.doesNotMatch(res.text, /payment-island/, 'no card form island framed');
  }

  async function pageForm(token: string): Promise<{ token: string; action: string }> {
    return cardFormOf(app(), token);
  }

  async function linkForm(url: string): Promise<{ token: string; action: string }> {
    return formOf((await request(app()).get(new URL(url).pathname).expect(200)).text);
  }

  function postCard(form: { token: string; action: string }): request.Test {
    return request(app())
      .post(form.action)
      .type('form')
      .send({ form_token: form.token, number: CARDS.visa, expiry: expiry(), cvc: '123', holder_name: 'Ann Buyer' });
  }

  /** A shop's own HTML form, signed with its signing secret (docs/hosted-page.md). */
  function postSignedForm(publishableKey: string, secret: string, orderId: string): request.Test {
    const f = { key: publishableKey, order_id: orderId, amount: '150000', currency: 'RUB', description: 'Signed order', return_url: '' };
    const signature = shopHmac(secret, [f.key, f.order_id, f.amount, f.currency, f.description, f.return_url].join('\n'));
    return request(app())
      .post('/pay/form')
      .type('form')
      .send({ ...f, signature });
  }

  async function refusedBy(promise: Promise<unknown>, code: string): Promise<void> {
    await assert.rejects(promise, (e: unknown) => e instanceof TenderError && e.code === code);
  }

  function formKey(): string {
    return randomBytes(18).toString('base64url');
  }

  describe('a suspended live merchant', function () {
    let merchantId: string;
    let shop: MerchantClient;
    let secret: string;
    let publishableKey: string;
    let open: { id: string; token: string };
    let openForm: { token: string; action: string };
    let authorized: { id: string };
    let forDashboard: { id: string };
    let captured: { id: string };
    let link: { id: string; url: string };
    let linkPage: { token: string; action: string };
    let owner: WebAgent;

    before(async () => {
      const live = await makeLive(app(), 'Suspended Shop', 'standin', 'TS000001');
      merchantId = live.id;
      shop = new MerchantClient(app(), live.liveKey);
      secret = (await shop.get('/v1/account').expect(200)).body.signing_secret;
      publishableKey = (await shop.post('/v1/api_keys', { kind: 'publishable' }).expect(201)).body.secret;
      const p = await shop.createPayment({ amount: 5000 });
      open = { id: p.id, token: pageTokenOf(String(p.payment_url)) };
      // The buyer (or an attacker) loaded the page while the merchant was in good standing.
      openForm = await pageForm(open.token);
      authorized = await shop.pay(CARDS.visa, { capture_method: 'manual' });
      forDashboard = await shop.pay(CARDS.visa, { capture_method: 'manual' });
      captured = await shop.pay(CARDS.visa);
      link = (await shop.post('/v1/payment_links', { amount: 50000, currency: 'RUB', description: 'Gift card' }).expect(201)).body;
      linkPage = await linkForm(link.url);
      owner = await signInAgent(app(), 'dashboard', await createMerchantUser(t, { merchantId, role: 'owner' }));
      await setMode(owner, 'live');
      await op.post(`/admin/v1/merchants/${merchantId}/suspend`, { reason: 'documents expired' }).expect(200);
    });

    it('the API refuses to create, confirm or capture', async () => {
      const before = await moneyRows(t.gateway.db);
      const refusals = [
        await shop.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'after-suspension' }, 'idem-after-suspension'),
        await shop.post(`/v1/payments/${open.id}/confirm`, card(CARDS.visa)),
        await shop.post(`/v1/payments/${authorized.id}/capture`, {}),
        await shop.post('/v1/payment_links', { amount: 100, currency: 'RUB', description: 'x' }),
      ];
      for (const res of refusals) {
        assert.equal(res.status, 403, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'merchant_suspended');
      }
      await assertNothingWritten(t.gateway.db, before, 'a refused API request');
    });

    it("the payment page shows a clear page in the buyer's language, and the form loaded before takes nothing", async () => {
      const before = await moneyRows(t.gateway.db);
      const seen = bank.authorizations.length;
      for (const locale of ['en', 'ru', 'ar'] as const) {
        assertUnavailable(await request(app()).get(`/pay/${open.token}`).set('Accept-Language', locale), locale);
      }
      assertUnavailable(await postCard(openForm));
      assert.equal((await t.gateway.db('payments').where({ id: open.id }).first())!.status, 'pending');
      assert.equal(bank.authorizations.length, seen, 'the bank was not asked');
      await assertNothingWritten(t.gateway.db, before, 'the card form of a suspended merchant');
    });

    it('the payment link shows the same page and creates no payment', async () => {
      const before = await moneyRows(t.gateway.db);
      assertUnavailable(await request(app()).get(new URL(link.url).pathname));
      assertUnavailable(await request(app()).post(linkPage.action).type('form').send({ form_token: linkPage.token }));
      await assertNothingWritten(t.gateway.db, before, 'a payment link of a suspended merchant');
    });

    it('a signed shop form creates no payment', async () => {
      const before = await moneyRows(t.gateway.db);
      assertUnavailable(await postSignedForm(publishableKey, secret, 'signed-after-suspension'));
      await assertNothingWritten(t.gateway.db, before, 'a signed form of a suspended merchant');
    });

    it('the dashboard refuses new payment links and captures', async () => {
      const before = await moneyRows(t.gateway.db);
      const linkRes = await owner.agent
        .post('/dashboard/developers/links')
        .type('form')
        .send({ _csrf: owner.csrf, description: 'Gift card', amount: '500.00', currency: 'RUB' });
      assert.equal(linkRes.status, 403, linkRes.text.slice(0, 300));
      assert.match(linkRes.text, /merchant_suspended/);
      const capture = await owner.agent
        .post(`/dashboard/payments/${forDashboard.id}/capture`)
        .type('form')
        .send({ _csrf: owner.csrf, form_key: formKey(), amount: '' });
      assert.equal(capture.status, 403, capture.text.slice(0, 300));
      assert.match(capture.text, /merchant_suspended/);
      assert.equal((await t.gateway.db('payments').where({ id: forDashboard.id }).first())!.status, 'authorized');
      await assertNothingWritten(t.gateway.db, before, 'a dashboard action of a suspended merchant');
    });

    it('the payment service itself refuses callers that never checked (plugins, jobs), in both modes', async () => {
      const before = await moneyRows(t.gateway.db);
      const payments = t.gateway.container.resolve(PaymentService);
      const input = { amount: 100, currency: 'RUB', order_id: 'core-direct', capture_method: 'automatic' as const };
      await refusedBy(payments.create({ merchantId, livemode: true }, input), 'merchant_suspended');
      await refusedBy(payments.create({ merchantId, livemode: false }, input), 'merchant_suspended');
      await refusedBy(
        payments.confirm({ merchantId, livemode: true }, open.id, {
          type: 'card',
          card: { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123' },
        }),
        'merchant_suspended',
      );
      await refusedBy(payments.capture({ merchantId, livemode: true }, authorized.id, undefined), 'merchant_suspended');
      await refusedBy(
        t.gateway.container.resolve(PaymentLinkService).create({ merchantId, livemode: true }, { amount: 100, currency: 'RUB', description: 'x' }),
        'merchant_suspended',
      );
      await assertNothingWritten(t.gateway.db, before, 'a refused service call');
    });

    it('money goes back to buyers: cancel and refund work on the API and in the dashboard; other routes stay closed', async () => {
      const voids = bank.followUps.filter((f) => f.kind === 'void').length;
      const canceled = await shop.post(`/v1/payments/${authorized.id}/cancel`, {}).expect(200);
      assert.equal(canceled.body.status, 'canceled');
      const refund = await shop.post('/v1/refunds', { payment_id: captured.id, amount: 50000 }).expect(201);
      assert.equal(refund.body.status, 'succeeded');
      const dashRefund = await owner.agent
        .post(`/dashboard/payments/${captured.id}/refund`)
        .type('form')
        .send({ _csrf: owner.csrf, form_key: formKey(), amount: '100.00', reason: 'damaged' });
      assert.equal(dashRefund.status, 303, dashRefund.text.slice(0, 300));
      const dashCancel = await owner.agent.post(`/dashboard/payments/${forDashboard.id}/cancel`).type('form').send({ _csrf: owner.csrf, form_key: formKey() });
      assert.equal(dashCancel.status, 303, dashCancel.text.slice(0, 300));
      assert.equal(bank.followUps.filter((f) => f.kind === 'void').length, voids + 2);
      const after = await shop.get(`/v1/payments/${captured.id}`).expect(200);
      assert.equal(after.body.status, 'partially_refunded');
      assert.equal(after.body.amount_refunded, 60000);
      for (const res of [
        await shop.get('/v1/api_keys'),
        await shop.post('/v1/webhook_endpoints', { url: 'https://shop.example/hook', events: ['payment.*'] }),
      ]) {
        assert.equal(res.status, 403);
        assert.equal(res.body.error.code, 'merchant_suspended');
      }
    });

    it('after resume the same page takes the payment again', async () => {
      await op.post(`/admin/v1/merchants/${merchantId}/resume`).expect(200);
      await postCard(await pageForm(open.token)).expect(303);
      assert.equal((await shop.get(`/v1/payments/${open.id}`).expect(200)).body.status, 'captured');
    });
  });

  describe('a merchant whose test mode has ended', function () {
    let merchantId: string;
    let shop: MerchantClient;
    let secret: string;
    let publishableKey: string;
    let open: { id: string; token: string };
    let openForm: { token: string; action: string };
    let authorized: { id: string };
    let captured: { id: string };
    let link: { id: string; url: string };
    let linkPage: { token: string; action: string };

    before(async () => {
      const m = await apply(app(), 'Expiring Shop', 'expiring@shop.example');
      merchantId = m.id;
      publishableKey = m.publishableKey;
      shop = new MerchantClient(app(), m.key);
      secret = (await shop.get('/v1/account').expect(200)).body.signing_secret;
      const p = await shop.createPayment({ amount: 5000 });
      open = { id: p.id, token: pageTokenOf(String(p.payment_url)) };
      authorized = await shop.pay(CARDS.visa, { capture_method: 'manual' });
      captured = await shop.pay(CARDS.visa);
      link = (await shop.post('/v1/payment_links', { amount: 50000, currency: 'RUB', description: 'Gift card' }).expect(201)).body;
      // Pages loaded a minute before test mode ends (TENDER_TEST_MODE_HOURS=1), posted a minute after.
      clock.advance(59 * MINUTE);
      openForm = await pageForm(open.token);
      linkPage = await linkForm(link.url);
      clock.advance(2 * MINUTE);
    });

    it('the API refuses to create, confirm or capture', async () => {
      const before = await moneyRows(t.gateway.db);
      for (const res of [
        await shop.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'late' }),
        await shop.post(`/v1/payments/${open.id}/confirm`, card(CARDS.visa)),
        await shop.post(`/v1/payments/${authorized.id}/capture`, {}),
      ]) {
        assert.equal(res.status, 403, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'test_mode_expired');
      }
      await assertNothingWritten(t.gateway.db, before, 'a refused API request');
    });

    it('an existing payment page, a payment link and a signed form take nothing', async () => {
      const before = await moneyRows(t.gateway.db);
      assertUnavailable(await request(app()).get(`/pay/${open.token}`).set('Accept-Language', 'ru'), 'ru');
      assertUnavailable(await postCard(openForm));
      assertUnavailable(await request(app()).get(new URL(link.url).pathname).set('Accept-Language', 'ar'), 'ar');
      assertUnavailable(await request(app()).post(linkPage.action).type('form').send({ form_token: linkPage.token }));
      assertUnavailable(await postSignedForm(publishableKey, secret, 'signed-late'));
      assert.equal((await t.gateway.db('payments').where({ id: open.id }).first())!.status, 'pending');
      await assertNothingWritten(t.gateway.db, before, 'the pages of a merchant whose test mode ended');
    });

    it('the payment service and the dashboard refuse', async () => {
      const before = await moneyRows(t.gateway.db);
      const payments = t.gateway.container.resolve(PaymentService);
      await refusedBy(
        payments.create({ merchantId, livemode: false }, { amount: 100, currency: 'RUB', order_id: 'core-late', capture_method: 'automatic' }),
        'test_mode_expired',
      );
      await refusedBy(payments.capture({ merchantId, livemode: false }, authorized.id, undefined), 'test_mode_expired');
      const owner = await signInAgent(app(), 'dashboard', await createMerchantUser(t, { merchantId, role: 'owner' }));
      const res = await owner.agent
        .post('/dashboard/developers/links')
        .type('form')
        .send({ _csrf: owner.csrf, description: 'Gift card', amount: '500.00', currency: 'RUB' });
      assert.equal(res.status, 403, res.text.slice(0, 300));
      assert.match(res.text, /test_mode_expired/);
      await assertNothingWritten(t.gateway.db, before, 'refused calls');
    });

    it('test money can still go back (cancel, refund); registering opens test mode again', async () => {
      assert.equal((await shop.post(`/v1/payments/${authorized.id}/cancel`, {}).expect(200)).body.status, 'canceled');
      assert.equal((await shop.post('/v1/refunds', { payment_id: captured.id }).expect(201)).body.status, 'succeeded');
      assert.equal((await shop.get('/v1/api_keys')).body.error?.code, 'test_mode_expired', 'non-payment routes stay closed');
      await shop.post('/v1/account/registration', COMPANY).expect(200);
      await postCard(await pageForm(open.token)).expect(303);
      assert.equal((await shop.get(`/v1/payments/${open.id}`).expect(200)).body.status, 'captured');
    });
  });

  describe('a merchant that is not live', function () {
    let merchantId: string;
    let shop: MerchantClient;
    let owner: WebAgent;

    before(async () => {
      const m = await t.createMerchant('Test-only Shop');
      merchantId = m.id;
      shop = new MerchantClient(app(), m.key);
      owner = await signInAgent(app(), 'dashboard', await createMerchantUser(t, { merchantId, role: 'owner' }));
    });

    it('cannot create live payment links in the dashboard or through the service; test links still work', async () => {
      // The header offers no Live to a merchant not in production and the switch refuses it;
      // a session left in live mode (from before that rule) is what remains to try.
      await setMode(owner, 'live');
      assert.doesNotMatch((await owner.agent.get('/dashboard').expect(200)).text, /data-mode="live"/);
      await t.gateway.db('web_sessions').where({ account_id: owner.user.accountId }).update({ mode: 'live' });
      const before = await moneyRows(t.gateway.db);
      const res = await owner.agent
        .post('/dashboard/developers/links')
        .type('form')
        .send({ _csrf: owner.csrf, description: 'Live gift card', amount: '500.00', currency: 'RUB' });
      assert.equal(res.status, 403, res.text.slice(0, 300));
      assert.match(res.text, /merchant_not_live/);
      await refusedBy(
        t.gateway.container.resolve(PaymentLinkService).create({ merchantId, livemode: true }, { amount: 100, currency: 'RUB', description: 'x' }),
        'merchant_not_live',
      );
      await refusedBy(
        t.gateway.container
          .resolve(PaymentService)
          .create({ merchantId, livemode: true }, { amount: 100, currency: 'RUB', order_id: 'live-too-early', capture_method: 'automatic' }),
        'merchant_not_live',
      );
      await assertNothingWritten(t.gateway.db, before, 'live objects of a merchant that is not live');
      await setMode(owner, 'test');
      await owner.agent
        .post('/dashboard/developers/links')
        .type('form')
        .send({ _csrf: owner.csrf, description: 'Test gift card', amount: '500.00', currency: 'RUB' })
        .expect(201);
    });

    it('a live link made before this check shows a clear page and creates nothing (its buyers used to get a 500)', async () => {
      const id = `plink_${randomBytes(12).toString('hex')}`;
      const token = randomBytes(24).toString('base64url').replace(/[-_]/g, 'x').slice(0, 32);
      await t.gateway.db('payment_links').insert({
        id,
        merchant_id: merchantId,
        livemode: true,
        amount: 50000,
        currency: 'RUB',
        description: 'Made in live mode too early',
        return_url: null,
        token,
        active: true,
        created_at: clock.now(),
      });
      const before = await moneyRows(t.gateway.db);
      assertUnavailable(await request(app()).get(`/pay/link/${token}`));
      // The form token its page would have carried.
      const formToken = t.gateway.container.resolve(FormTokenService).issue(id);
      assertUnavailable(await request(app()).post(`/pay/link/${token}`).type('form').send({ form_token: formToken }));
      await assertNothingWritten(t.gateway.db, before, 'a live link of a merchant that is not live');
    });

    it('a live payment page of such a merchant shows a clear page, and its form charges nothing', async () => {
      // A live payment of a merchant that is not live, as the unchecked link used to make.
      const p = await shop.createPayment({ amount: 7000 });
      await t.gateway.db('payments').where({ id: p.id }).update({ livemode: true });
      const token = pageTokenOf(String(p.payment_url));
      const before = await moneyRows(t.gateway.db);
      assertUnavailable(await request(app()).get(`/pay/${token}`));
      const formToken = t.gateway.container.resolve(FormTokenService).issue(p.id);
      assertUnavailable(
        await request(app()).post(`/pay/${token}`).type('form').send({ form_token: formToken, number: CARDS.visa, expiry: expiry(), cvc: '123' }),
      );
      await assertNothingWritten(t.gateway.db, before, 'a live page of a merchant that is not live');
    });
  });

  describe('a payment held for risk review when its merchant is suspended', function () {
    it('is not captured by approving the review (which stays open); rejecting it still voids', async () => {
      const m = await t.createMerchant('Reviewed Shop');
      const shop = new MerchantClient(app(), m.key);
      // Amounts above 1000.00 score 80: a review under the default thresholds.
      await putMerchantRules(app(), shop, {
        rules: { amount: { max_amounts: { RUB: 100000 }, max_score: 80 } },
        review: { expire_after_seconds: 60, expire_decision: 'approve' },
      }).expect(200);
      const held = await payAs(shop, CARDS.visa, {}, { amount: 150000 });
      assert.equal(held.status, 'authorized');
      const review = await t.gateway.db('risk_reviews').where({ payment_id: held.id }).first();
      await op.post(`/admin/v1/merchants/${m.id}/suspend`, { reason: 'fraud' }).expect(200);
      const reviews = t.gateway.container.resolve(RiskReviewService);
      const ctx = { merchantId: m.id, livemode: false };
      await refusedBy(reviews.approve(ctx, String(review!.id)), 'merchant_suspended');
      clock.advance(2 * MINUTE);
      assert.equal(await reviews.expireDue(), 0, 'its default (approve) waits too');
      assert.equal((await t.gateway.db('risk_reviews').where({ id: review!.id }).first())!.status, 'open');
      assert.equal((await t.gateway.db('payments').where({ id: held.id }).first())!.status, 'authorized');
      assert.equal((await reviews.reject(ctx, String(review!.id))).payment.status, 'canceled');
    });
  });

  describe('the API hot path', function () {
    it('reads the standing with the key and nowhere else: one statement touches merchants per request', async () => {
      const m = await t.createMerchant('Counted Shop');
      const shop = new MerchantClient(app(), m.key);
      await shop.pay(CARDS.visa); // warm-up
      const statements: string[] = [];
      const listener = (q: { sql: string }): void => {
        statements.push(q.sql);
      };
      t.gateway.db.on('query', listener);
      try {
        const created = await shop.createPayment();
        const touchingCreate = statements.filter((s) => /[`"]merchants[`"]/.test(s)).length;
        await shop.post(`/v1/payments/${created.id}/confirm`, card(CARDS.visa)).expect(200);
        const touching = statements.filter((s) => /[`"]merchants[`"]/.test(s)).length;
        assert.equal(touchingCreate, 1, 'create: the key lookup joined with merchants, nothing more');
        assert.equal(touching, 2, 'create + confirm: one merchants read each');
      } finally {
        t.gateway.db.off('query', listener);
      }
    });
  });
});
