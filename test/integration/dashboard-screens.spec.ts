import assert from 'node:assert/strict';
import { FixedClock } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { SeededPayments, seedPayments } from '../support/dashboard-fixtures';
import { WebAgent, createMerchantUser, csrfOf, signInAgent } from '../support/web-session';

/** Every `data-payment-id` of a payments table page, in order. */
function tableIds(html: string): string[] {
  return [...html.matchAll(/<tr data-payment-id="(pay_[0-9A-Za-z]+)"/g)].map((m) => m[1]);
}

function nextLink(html: string): string | undefined {
  const href = /id="next-page" rel="next" href="([^"]+)"/.exec(html)?.[1];
  // Handlebars escapes = and & in attributes; a browser decodes them, so does this.
  return href === undefined ? undefined : `/dashboard/payments${href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')}`;
}

/** The ids of a CSV export (first column), header and BOM off. */
function csvIds(text: string): string[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((l) => l !== '');
  assert.equal(lines[0]?.split(',')[0], '"id"');
  return lines.slice(1).map((l) => JSON.parse(l.split(',')[0]) as string);
}

/** The merchant dashboard screens through HTTP: the shell's real sign-in, sessions and CSRF, then the screens. */
describe('dashboard screens over HTTP', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let seeded: SeededPayments;
  let owner: WebAgent;
  let support: WebAgent;
  let stranger: WebAgent;
  let strangerPayment: string;

  before(async () => {
    const clock = new FixedClock(Date.parse('2026-03-02T10:00:00Z'));
    t = await startTestGateway({ clock });
    const merchant = await t.createMerchant('Coffee Shop');
    shop = new MerchantClient(t.gateway.app, merchant.key);
    seeded = await seedPayments(t.gateway.app, shop, clock);
    owner = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: merchant.id, role: 'owner' }));
    support = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: merchant.id, role: 'support' }));
    const other = await t.createMerchant('Other Shop');
    strangerPayment = (await new MerchantClient(t.gateway.app, other.key).pay(CARDS.mastercard, { amount: 5000 })).id;
    stranger = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: other.id, role: 'owner' }));
  });
  after(() => t.close());

  const refundsOf = async (id: string) => (await t.gateway.db('refunds').where({ payment_id: id })).length;

  it('finds a payment by its last 4 and shows it with its timeline', async () => {
    const page = await owner.agent.get('/dashboard/payments?q=4444').expect(200);
    assert.deepEqual(tableIds(page.text).sort(), [...seeded.mastercard].sort());
    assert.match(page.text, /<bdi>RUB[\s\u00a0]1,500\.05<\/bdi>/, 'amounts formatted from minor units');
    const id = seeded.mastercard[0];
    const detail = await owner.agent.get(`/dashboard/payments/${id}`).expect(200);
    assert.match(detail.text, /id="timeline"/);
    assert.match(detail.text, /payment\.captured/);
    assert.match(detail.text, /id="refund-form"/);
    assert.ok(!detail.text.includes('5555555555554444'), 'never the full card number');
  });

  it('refunds part of a payment after a confirmation step, and the refund is in the timeline', async () => {
    const id = seeded.visa[2]; // 300.00 RUB captured
    const payment = await owner.agent.get(`/dashboard/payments/${id}`).expect(200);
    const review = await owner.agent
      .post(`/dashboard/payments/${id}/refund/review`)
      .type('form')
      .send({ _csrf: csrfOf(payment.text), amount: '120.50', reason: 'damaged cup' })
      .expect(200);
    assert.match(review.text, /id="confirm-button"/);
    assert.match(review.text, /name="amount" value="120\.50"/, 'the confirmation carries the amount it confirms');
    assert.equal(await refundsOf(id), 0, 'the confirmation step changes nothing');
    const formKey = /name="form_key" value="([^"]+)"/.exec(review.text)?.[1];
    assert.ok(formKey !== undefined);
    const form = { _csrf: owner.csrf, form_key: formKey, amount: '120.50', reason: 'damaged cup' };
    const done = await owner.agent.post(`/dashboard/payments/${id}/refund`).type('form').send(form).expect(303);
    assert.equal(done.headers.location, `/dashboard/payments/${id}?done=refund`);
    await owner.agent.post(`/dashboard/payments/${id}/refund`).type('form').send(form).expect(303);
    assert.equal(await refundsOf(id), 1, 'the same confirmation sent twice refunds once');
    const api = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
    assert.equal(api.amount_refunded, 12050);
    assert.equal(api.status, 'partially_refunded');
    const after = await owner.agent.get(`/dashboard/payments/${id}?done=refund`).expect(200);
    assert.match(after.text, /id="action-done"/);
    assert.match(after.text, /data-kind="refund"/);
    assert.match(after.text, /payment\.partially_refunded/);
    assert.match(after.text, /<tr data-refund-id="ref_/);
  });

  it('refuses a POST without the CSRF token and changes nothing', async () => {
    const id = seeded.visa[1];
    const review = await owner.agent.post(`/dashboard/payments/${id}/refund/review`).type('form').send({ _csrf: owner.csrf, amount: '10.00' }).expect(200);
    const formKey = /name="form_key" value="([^"]+)"/.exec(review.text)?.[1] ?? '';
    const refused = await owner.agent.post(`/dashboard/payments/${id}/refund`).type('form').send({ form_key: formKey, amount: '10.00' }).expect(403);
    assert.ok(!refused.text.includes('id="action-done"'));
    await owner.agent
      .post(`/dashboard/payments/${id}/refund`)
      .type('form')
      .send({ _csrf: 'x'.repeat(owner.csrf.length), form_key: formKey, amount: '10.00' })
      .expect(403);
    await owner.agent.post('/dashboard/developers/keys').type('form').send({ label: 'sneaky' }).expect(403);
    assert.equal(await refundsOf(id), 0);
    assert.equal((await t.gateway.db('api_keys').where({ label: 'sneaky' })).length, 0);
  });

  it('does not show support the keys, in the page or on the server', async () => {
    const home = await support.agent.get('/dashboard').expect(200);
    assert.ok(!home.text.includes('href="/dashboard/developers"'), 'no link to Developers for support');
    const before = await t.gateway.db('api_keys').count({ n: '*' }).first();
    const page = await support.agent.get('/dashboard/developers').expect(403);
    assert.ok(!/sk_test_|pk_test_/.test(page.text), 'no key, not even its display form');
    await support.agent.post('/dashboard/developers/keys').type('form').send({ _csrf: support.csrf, label: 'support key' }).expect(403);
    const keyId = (await t.gateway.db('api_keys').first())!.id;
    await support.agent.post(`/dashboard/developers/keys/${keyId}/roll`).type('form').send({ _csrf: support.csrf }).expect(403);
    await support.agent.post(`/dashboard/developers/keys/${keyId}/revoke`).type('form').send({ _csrf: support.csrf }).expect(403);
    await support.agent.get('/dashboard/branding').expect(403);
    await support.agent.get('/dashboard/payments/refund-limits').expect(403);
    assert.deepEqual(await t.gateway.db('api_keys').count({ n: '*' }).first(), before);
    assert.equal((await t.gateway.db('api_keys').whereNotNull('revoked_at')).length, 0);
    const ownerPage = await owner.agent.get('/dashboard/developers').expect(200);
    assert.match(ownerPage.text, /id="api-keys"/);
  });

  it('lets support refund only up to the limit the owner set', async () => {
    const id = seeded.visa[0]; // 100.00 RUB
    const confirm = (agent: WebAgent, amount: string, key: string) =>
      agent.agent
        .post(`/dashboard/payments/${id}/refund`)
        .type('form')
        .send({ _csrf: agent.csrf, form_key: key.padEnd(24, 'k'), amount });
    const early = await support.agent.post(`/dashboard/payments/${id}/refund/review`).type('form').send({ _csrf: support.csrf, amount: '10.00' }).expect(403);
    assert.match(early.text, /refund_limit_exceeded/, 'said on the review step already');
    assert.ok(!early.text.includes('id="confirm-button"'));
    const refused = await confirm(support, '10.00', 'supportA').expect(403);
    assert.match(refused.text, /refund_limit_exceeded/);
    await owner.agent.post('/dashboard/payments/refund-limits').type('form').send({ _csrf: owner.csrf, currency: 'RUB', max_amount: '20.00' }).expect(303);
    await support.agent
      .post('/dashboard/payments/refund-limits')
      .type('form')
      .send({ _csrf: support.csrf, currency: 'RUB', max_amount: '100000.00' })
      .expect(403);
    assert.match((await owner.agent.get('/dashboard/payments/refund-limits').expect(200)).text, /20\.00/);
    await confirm(support, '20.01', 'supportB').expect(403);
    assert.equal(await refundsOf(id), 0);
    await confirm(support, '20.00', 'supportC').expect(303);
    assert.equal(await refundsOf(id), 1);
    await confirm(owner, '50.00', 'ownerD').expect(303);
    assert.equal(await refundsOf(id), 2, 'owners are not limited');
  });

  it("answers 404 for another merchant's payment, and its search finds nothing", async () => {
    const foreign = await owner.agent.get(`/dashboard/payments/${strangerPayment}`).expect(404);
    assert.ok(!foreign.text.includes(strangerPayment.slice(4)) || !foreign.text.includes('id="timeline"'));
    assert.deepEqual(tableIds((await owner.agent.get(`/dashboard/payments?q=${strangerPayment}`).expect(200)).text), []);
    await owner.agent
      .post(`/dashboard/payments/${strangerPayment}/cancel`)
      .type('form')
      .send({ _csrf: owner.csrf, form_key: 'f'.repeat(24) })
      .expect(404);
    assert.deepEqual(tableIds((await stranger.agent.get('/dashboard/payments').expect(200)).text), [strangerPayment]);
    await stranger.agent.get(`/dashboard/payments/${seeded.visa[0]}`).expect(404);
    await owner.agent.get('/dashboard/payments/not-an-id').expect(404);
  });

  it('pages through the table: every row exactly once', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/dashboard/payments?limit=4';
    for (let i = 0; path !== undefined && i < 20; i++) {
      const page = await owner.agent.get(path).expect(200);
      seen.push(...tableIds(page.text));
      path = nextLink(page.text);
    }
    assert.equal(seen.length, new Set(seen).size);
    assert.deepEqual([...seen].sort(), [...seeded.all].sort());
  });

  it('exports the CSV of a filter, the same rows as the API lists for that filter', async () => {
    for (const status of ['captured', 'pending', 'declined', 'partially_refunded'] as const) {
      const csv = await owner.agent
        .get(`/dashboard/payments/export.csv?status=${status}`)
        .expect(200)
        .expect('Content-Type', /text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="payments-test\.csv"/);
      const api: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = (await shop.get(`/v1/payments?status=${status}&limit=2${after === undefined ? '' : `&starting_after=${after}`}`).expect(200)).body as {
          data: Array<{ id: string }>;
          has_more: boolean;
        };
        api.push(...page.data.map((p) => p.id));
        if (!page.has_more) break;
        after = page.data[page.data.length - 1]?.id;
      }
      assert.ok(api.length > 0, `some ${status} payments`);
      assert.deepEqual(csvIds(csv.text).sort(), api.sort(), status);
    }
    const order = seeded.formula;
    const byOrder = await owner.agent.get(`/dashboard/payments/export.csv?q=${encodeURIComponent('=HYPERLINK("http://evil.example","x")')}`).expect(200);
    assert.deepEqual(csvIds(byOrder.text), [order]);
    assert.ok(byOrder.text.includes(`"'=HYPERLINK(`), 'formula defused');
    await owner.agent.get('/dashboard/payments/export.csv?status=nope').expect(400);
  });
});
