import assert from 'node:assert/strict';
import { TestGateway } from '../support/test-gateway';
import { createCustomer, saveCardViaApi, startSavedCardsGateway } from '../support/saved-cards';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { putMerchantRules } from '../support/risk-helpers';
import { WebAgent, createMerchantUser, signInAgent } from '../support/web-session';
import { eventually } from '../support/webhook-receiver';

const HOSTILE_NAME = '<img src=x onerror=alert(1)>"\'Anna';
const EXP_YEAR = new Date().getUTCFullYear() + 3;

/** Handlebars escapes `=` and `&` in attributes and text; a browser decodes them, so does this. */
function decoded(href: string): string {
  return href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
}

/**
 * The saved-cards plugin's dashboard screens (/dashboard/customers, /dashboard/schedules)
 * through HTTP: the shell's real sign-in, session and CSRF check; customers, cards and
 * schedules made through the merchant API (a payment with `setup_future_usage` saves
 * the card, as a shop would), so every row is the plugin's own.
 */
describe('saved cards dashboard screens over HTTP', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let owner: WebAgent;
  let support: WebAgent;
  let stranger: WebAgent;
  let customerId: string;
  let cardId: string;
  let merchantId: string;

  /** A customer of `client` with the visa card saved by a first payment made with consent. */
  async function customerWithCard(client: MerchantClient, name: string, email: string): Promise<{ customer: string; card: string }> {
    const customer = await createCustomer(client, { name, email });
    const { pm } = await saveCardViaApi(client, customer, CARDS.visa, 'off_session', { exp_month: 9, exp_year: EXP_YEAR });
    return { customer, card: pm };
  }

  before(async () => {
    t = await startSavedCardsGateway();
    const merchant = await t.createMerchant('Box Shop');
    merchantId = merchant.id;
    shop = new MerchantClient(t.gateway.app, merchant.key);
    await putMerchantRules(t.gateway.app, shop, { dry_run: true }).expect(200);
    ({ customer: customerId, card: cardId } = await customerWithCard(shop, HOSTILE_NAME, 'anna@example.com'));
    owner = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: merchant.id, role: 'owner' }));
    support = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: merchant.id, role: 'support' }));
    const other = await t.createMerchant('Other Shop');
    const otherShop = new MerchantClient(t.gateway.app, other.key);
    await putMerchantRules(t.gateway.app, otherShop, { dry_run: true }).expect(200);
    await customerWithCard(otherShop, 'Boris', 'boris@example.com');
    stranger = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: other.id, role: 'owner' }));
    // The schedules' charger runs as a background job, as in `tender start`.
    t.gateway.startBackgroundJobs();
  });
  after(() => t.close());

  it("lists the merchant's customers in the navigation and the table, names escaped", async () => {
    const home = await support.agent.get('/dashboard').expect(200);
    assert.match(home.text, /href="\/dashboard\/customers"/);
    const page = await owner.agent.get('/dashboard/customers').expect(200);
    assert.match(page.text, new RegExp(`<tr data-customer-id="${customerId}">`));
    assert.ok(page.text.includes('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;&quot;&#x27;Anna'), 'the name is shown, escaped');
    assert.doesNotMatch(page.text, /<img src=x/);
    assert.doesNotMatch(page.text, /Boris/, "another merchant's customer is not listed");
    const filtered = await owner.agent.get('/dashboard/customers?email=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E').expect(200);
    assert.doesNotMatch(filtered.text, /<script>alert/);
    assert.match(filtered.text, /id="no-customers"/);
  });

  it('pages through the customers, 50 a page, newest first', async () => {
    const other = await t.createMerchant('Many Customers');
    const many = new MerchantClient(t.gateway.app, other.key);
    const ids: string[] = [];
    for (let i = 0; i < 52; i++) ids.push(await createCustomer(many, { name: `Customer ${i}`, email: `c${i}@example.com` }));
    const web = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: other.id, role: 'support' }));
    const rows = (html: string) => [...html.matchAll(/<tr data-customer-id="(cus_[0-9A-Za-z]+)">/g)].map((m) => m[1]);
    const first = await web.agent.get('/dashboard/customers').expect(200);
    assert.deepEqual(rows(first.text), [...ids].reverse().slice(0, 50));
    const next = /id="next-page" rel="next" href="([^"]+)"/.exec(first.text)?.[1];
    assert.ok(next !== undefined);
    const second = await web.agent.get(decoded(next)).expect(200);
    assert.deepEqual(rows(second.text), [ids[1], ids[0]]);
    assert.doesNotMatch(second.text, /id="next-page"/);
    assert.match(second.text, /id="first-page"/);
    const byEmail = await web.agent.get('/dashboard/customers?email=C7%40Example.com').expect(200);
    assert.deepEqual(rows(byEmail.text), [ids[7]], 'the e-mail filter ignores case');
  });

  it("shows a customer with the saved card as brand, last 4 and expiry, with the consent's source and time; never the number", async () => {
    const page = await support.agent.get(`/dashboard/customers?id=${customerId}`).expect(200);
    assert.match(page.text, new RegExp(`<tr data-payment-method-id="${cardId}">`));
    assert.match(page.text, /visa •••• 4242/);
    assert.match(page.text, new RegExp(`09/${EXP_YEAR}`));
    assert.match(page.text, /API, <bdi>\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/bdi>/, 'consent source and time');
    assert.doesNotMatch(page.text, /4242424242424242|424242\d{6}4242/);
    assert.doesNotMatch(page.text, /<img src=x/);
    const russian = await support.agent.get(`/dashboard/customers?id=${customerId}&lang=ru`).expect(200);
    assert.match(russian.text, /<h3>Сохранённые карты<\/h3>/);
    assert.match(russian.text, /списания без покупателя/);
    const arabic = await support.agent.get(`/dashboard/customers?id=${customerId}&lang=ar`).expect(200);
    assert.match(arabic.text, /<h3>البطاقات المحفوظة<\/h3>/);
    await support.agent.get('/dashboard/customers?lang=en').expect(200);
  });

  it("answers 404 for another merchant's customer and an unknown or malformed id, and deletes nothing for them", async () => {
    const foreign = await stranger.agent.get(`/dashboard/customers?id=${customerId}`);
    assert.equal(foreign.status, 404);
    assert.doesNotMatch(foreign.text, /4242/);
    assert.equal((await owner.agent.get('/dashboard/customers?id=cus_doesnotexist1').expect(404)).status, 404);
    assert.equal((await owner.agent.get('/dashboard/customers?id=%3Cscript%3E').expect(404)).status, 404);
    const post = await stranger.agent
      .post(`/dashboard/customers?id=${customerId}`)
      .type('form')
      .send({ _csrf: stranger.csrf, action: 'delete_card', payment_method: cardId });
    assert.equal(post.status, 404);
    assert.equal((await shop.get(`/v1/payment_methods/${cardId}`).expect(200)).body.id, cardId, 'the card is still there');
  });

  it("deletes a card after a confirmation, only with the session's CSRF token; the vault row goes with it", async () => {
    const { customer, card } = await customerWithCard(shop, 'Vera', 'vera@example.com');
    const vaultId = (await t.gateway.db('customer_payment_methods').where({ id: card }).first()).vault_id as string;
    assert.equal((await t.gateway.db('card_vault').where({ id: vaultId })).length, 1);
    const detail = await owner.agent.get(`/dashboard/customers?id=${customer}`).expect(200);
    const confirmHref = new RegExp(`id="delete-${card}" href="([^"]+)"`).exec(detail.text)?.[1];
    assert.ok(confirmHref !== undefined, 'the card has a Delete link');
    const confirm = await owner.agent.get(decoded(confirmHref)).expect(200);
    assert.match(confirm.text, /Delete this saved card\?/);
    assert.match(confirm.text, new RegExp(`name="_csrf" value="${owner.csrf}"`));

    const forged = await owner.agent.post(`/dashboard/customers?id=${customer}`).type('form').send({ action: 'delete_card', payment_method: card });
    assert.equal(forged.status, 403, 'a post without the CSRF token is refused');
    const wrongCustomer = await owner.agent
      .post(`/dashboard/customers?id=${customerId}`)
      .type('form')
      .send({ _csrf: owner.csrf, action: 'delete_card', payment_method: card });
    assert.equal(wrongCustomer.status, 404, "a card of another customer is not deleted from this one's page");
    assert.equal((await t.gateway.db('card_vault').where({ id: vaultId })).length, 1, 'nothing deleted by the refused posts');

    const done = await owner.agent
      .post(`/dashboard/customers?id=${customer}`)
      .type('form')
      .send({ _csrf: owner.csrf, action: 'delete_card', payment_method: card })
      .expect(303);
    assert.equal(done.headers.location, `/dashboard/customers?id=${customer}&deleted=${card}`);
    const after = await owner.agent.get(done.headers.location).expect(200);
    assert.match(after.text, /id="action-done"/);
    assert.match(after.text, /id="no-saved-cards"/);
    assert.equal((await t.gateway.db('card_vault').where({ id: vaultId })).length, 0, 'the vault row is deleted');
    assert.equal((await t.gateway.db('customer_payment_methods').where({ id: card }).first()).status, 'deleted');
    const again = await owner.agent
      .post(`/dashboard/customers?id=${customer}`)
      .type('form')
      .send({ _csrf: owner.csrf, action: 'delete_card', payment_method: card });
    assert.equal(again.status, 404, 'a second post finds nothing to delete');
  });

  /** A schedule of 49.00 RUB a month on the card, from `daysAhead` days from today (0: due now). */
  async function schedule(customer: string, card: string, daysAhead: number, description: string): Promise<{ id: string; next_charge_at: string }> {
    const start = new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10);
    return (
      await shop
        .post('/v1/schedules', { customer, payment_method: card, amount: 4900, currency: 'RUB', interval: 'month', count: 6, start_date: start, description })
        .expect(201)
    ).body;
  }

  it('lists schedules with the next charge, and shows one with its history of charges', async () => {
    const { customer, card } = await customerWithCard(shop, 'Subscriber', 'subscriber@example.com');
    const later = await schedule(customer, card, 7, '<b>Tea</b> club');
    const due = await schedule(customer, card, 0, 'Coffee club');
    const charges = async () => (await shop.get(`/v1/schedules/${due.id}/charges`).expect(200)).body.data as Array<{ status: string; payment: string | null }>;
    await eventually(async () => (await charges()).some((c) => c.status === 'succeeded'), 'the due period charged');

    const list = await support.agent.get('/dashboard/schedules').expect(200);
    const row = new RegExp(`<tr data-schedule-id="${later.id}">[\\s\\S]*?</tr>`).exec(list.text)?.[0] ?? '';
    assert.ok(row.includes(`${later.next_charge_at.slice(0, 10)} ${later.next_charge_at.slice(11, 16)} UTC`), 'the next charge is shown');
    assert.match(row, /RUB[\s\u00a0]49\.00/);
    assert.match(row, /every month/);
    assert.ok(row.includes('&lt;b&gt;Tea&lt;/b&gt; club'), 'the description is escaped');
    assert.doesNotMatch(list.text, /<b>Tea/);

    const detail = await support.agent.get(`/dashboard/schedules?id=${due.id}`).expect(200);
    const paid = (await charges()).find((c) => c.status === 'succeeded');
    assert.ok(paid?.payment !== null && paid?.payment !== undefined);
    assert.match(detail.text, new RegExp(`<a href="/dashboard/payments/${paid.payment}">`), "the history links the charge's payment");
    assert.match(detail.text, /id="schedule-status">active</);
    assert.match(detail.text, /id="cancel-schedule"/);

    const customerPage = await support.agent.get(`/dashboard/customers?id=${customer}`).expect(200);
    assert.match(customerPage.text, new RegExp(`href="/dashboard/schedules\\?id=${later.id}"`));
  });

  it("cancels a schedule after a confirmation, only with the CSRF token and only the merchant's own", async () => {
    const { customer, card } = await customerWithCard(shop, 'Leaver', 'leaver@example.com');
    const s = await schedule(customer, card, 10, 'Wine club');
    const confirm = await owner.agent.get(`/dashboard/schedules?id=${s.id}&cancel=1`).expect(200);
    assert.match(confirm.text, /Cancel this schedule\?/);
    assert.match(confirm.text, new RegExp(`name="_csrf" value="${owner.csrf}"`));
    const status = async () => (await shop.get(`/v1/schedules/${s.id}`).expect(200)).body.status as string;

    assert.equal((await owner.agent.post(`/dashboard/schedules?id=${s.id}`).type('form').send({ action: 'cancel' })).status, 403, 'no CSRF token: refused');
    assert.equal((await stranger.agent.get(`/dashboard/schedules?id=${s.id}`)).status, 404);
    assert.equal((await stranger.agent.post(`/dashboard/schedules?id=${s.id}`).type('form').send({ _csrf: stranger.csrf, action: 'cancel' })).status, 404);
    assert.equal(await status(), 'active', 'nothing changed by the refused posts');

    const done = await support.agent.post(`/dashboard/schedules?id=${s.id}`).type('form').send({ _csrf: support.csrf, action: 'cancel' }).expect(303);
    assert.equal(done.headers.location, `/dashboard/schedules?id=${s.id}&canceled=1`);
    assert.equal(await status(), 'canceled');
    const page = await support.agent.get(done.headers.location).expect(200);
    assert.match(page.text, /id="action-done"/);
    assert.match(page.text, /id="schedule-status">canceled</);
    assert.doesNotMatch(page.text, /id="cancel-schedule"/);
    await support.agent.post(`/dashboard/schedules?id=${s.id}`).type('form').send({ _csrf: support.csrf, action: 'cancel' }).expect(303);
    assert.equal(
      (await t.gateway.db('events').where({ merchant_id: merchantId, type: 'schedule.canceled', object_id: s.id })).length,
      1,
      'a second post cancels nothing more',
    );
  });
});
