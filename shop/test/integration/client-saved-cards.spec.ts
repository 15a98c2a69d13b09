import assert from 'node:assert/strict';
import { Customer, CustomerExport, Payment, SavedPaymentMethod, Schedule, TenderApiError, TenderClient } from '@tender/client';
import { type TestGateway, startSavedCardsGateway, CARDS } from '../support/gateway-support';

/**
 * The client's saved-cards methods (customers, payment methods, saved-card payments,
 * schedules) against a real gateway with the saved-cards plugin, on loopback: every
 * hand-written type is read back from what the gateway actually answers.
 */
describe('@tender/client: customers, saved cards and schedules against a live gateway', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let tender: TenderClient;
  let other: TenderClient;
  let base: string;
  const card = { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' };

  before(async () => {
    t = await startSavedCardsGateway();
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    tender = new TenderClient({ secretKey: (await t.createMerchant('Client Shop')).key, baseUrl: base });
    other = new TenderClient({ secretKey: (await t.createMerchant('Other Shop')).key, baseUrl: base });
  });
  after(() => t.close());

  /** A customer with one card saved by a first payment the buyer made with consent (setup_future_usage). */
  async function customerWithCard(email: string): Promise<{ customer: Customer; first: Payment; pm: SavedPaymentMethod }> {
    const customer = await tender.customers.create({ email, name: 'Anna Petrova' });
    const created = await tender.payments.create({ amount: 1500, currency: 'RUB', order_id: `first-${email}`, customer: customer.id, setup_future_usage: 'off_session' });
    const first = await tender.payments.confirmWithCard(created.id, card);
    const { data } = await tender.customers.paymentMethods(customer.id);
    assert.equal(data.length, 1, 'the first payment saved the card');
    return { customer, first, pm: data[0] as SavedPaymentMethod };
  }

  it('creates, retrieves, updates, lists, exports and erases customers', async () => {
    const created = await tender.customers.create({ email: 'Client.One@Example.com', name: 'Client One', metadata: { crm_id: '42' } });
    assert.match(created.id, /^cus_/);
    assert.equal(created.object, 'customer');
    assert.equal(created.livemode, false);
    assert.deepEqual(created.metadata, { crm_id: '42' });
    assert.equal((await tender.customers.retrieve(created.id)).name, 'Client One');
    const updated = await tender.customers.update(created.id, { phone: '+7 999 000-11-22' });
    assert.equal(updated.phone, '+7 999 000-11-22');
    const listed = await tender.customers.list({ email: created.email ?? '' });
    assert.deepEqual(listed.data.map((c) => c.id), [created.id]);
    const exported: CustomerExport = await tender.customers.export(created.id);
    assert.equal(exported.customer.id, created.id);
    assert.deepEqual(exported.payment_methods, []);
    const erased = await tender.customers.delete(created.id);
    assert.deepEqual(erased, { id: created.id, object: 'customer', deleted: true });
    await assert.rejects(tender.customers.retrieve(created.id), (e: unknown) => e instanceof TenderApiError && e.status === 404, 'an erased customer is gone');
  });

  it('another merchant\'s customer and card are TenderApiError 404', async () => {
    const { customer, pm } = await customerWithCard('foreign@example.com');
    const notFound = (e: unknown) => e instanceof TenderApiError && e.status === 404 && e.code === 'resource_not_found';
    await assert.rejects(other.customers.retrieve(customer.id), notFound);
    await assert.rejects(other.customers.paymentMethods(customer.id), notFound);
    await assert.rejects(other.paymentMethods.retrieve(pm.id), notFound);
    await assert.rejects(other.paymentMethods.delete(pm.id), notFound);
    assert.equal((await tender.paymentMethods.retrieve(pm.id)).id, pm.id, 'the failed delete changed nothing');
  });

  it('a payment with consent saves the card; a merchant-initiated charge uses it; deleting it refuses the next charge', async () => {
    const { customer, first, pm } = await customerWithCard('saver@example.com');
    assert.equal(first.customer, customer.id);
    assert.equal(first.setup_future_usage, 'off_session');
    assert.match(pm.id, /^pm_/);
    assert.equal(pm.object, 'payment_method');
    assert.equal(pm.customer, customer.id);
    assert.deepEqual(pm.card, { brand: 'visa', last4: '4242', exp_month: card.exp_month, exp_year: card.exp_year });
    assert.equal(pm.usage, 'off_session');
    assert.equal(pm.consent?.source, 'api');
    assert.ok(!JSON.stringify(pm).includes(card.number), 'no card number in the payment method');
    assert.deepEqual((await tender.paymentMethods.list({ customer: customer.id })).data.map((p) => p.id), [pm.id]);

    const charged = await tender.payments.chargeSavedCard({ customer: customer.id, payment_method: pm.id, amount: 990, currency: 'RUB', order_id: 'renewal-1' });
    assert.equal(charged.status, 'captured');
    assert.equal(charged.off_session, true);
    assert.equal(charged.payment_method, pm.id);
    assert.equal(charged.card?.last4, '4242');

    const oneClick = await tender.payments.create({ amount: 700, currency: 'RUB', order_id: 'one-click-1', customer: customer.id });
    const paidOnce = await tender.payments.confirmWithSavedCard(oneClick.id, pm.id);
    assert.equal(paidOnce.status, 'captured', 'the buyer paid with the saved card');
    assert.equal(paidOnce.payment_method, pm.id);
    assert.equal(paidOnce.off_session, false);

    assert.deepEqual(await tender.paymentMethods.delete(pm.id), { id: pm.id, object: 'payment_method', deleted: true });
    assert.deepEqual((await tender.customers.paymentMethods(customer.id)).data, []);
    const before = (await tender.payments.list({ order_id: 'renewal-2' })).data.length;
    await assert.rejects(tender.payments.chargeSavedCard({ customer: customer.id, payment_method: pm.id, amount: 990, currency: 'RUB', order_id: 'renewal-2' }), (e: unknown) => e instanceof TenderApiError && e.status >= 400 && e.status < 500);
    assert.equal((await tender.payments.list({ order_id: 'renewal-2' })).data.length, before, 'a refused charge creates no payment');
  });

  it('checks and saves a card without a charge (setup attempt), or hands out the setup page', async () => {
    const customer = await tender.customers.create({ email: 'setup@example.com' });
    const checked = await tender.setupAttempts.create({ customer: customer.id, currency: 'RUB', payment_method: { type: 'card', card } });
    assert.match(checked.id, /^seti_/);
    assert.equal(checked.object, 'setup_attempt');
    assert.equal(checked.status, 'succeeded');
    assert.match(checked.payment_method ?? '', /^pm_/);
    assert.equal((await tender.payments.retrieve(checked.payment)).amount_captured, 0, 'nothing charged');
    assert.deepEqual((await tender.customers.paymentMethods(customer.id)).data.map((p) => p.id), [checked.payment_method]);
    assert.equal((await tender.setupAttempts.retrieve(checked.id)).status, 'succeeded');
    const hosted = await tender.setupAttempts.create({ customer: customer.id, currency: 'RUB', usage: 'on_session' });
    assert.equal(hosted.status, 'requires_payment_method');
    assert.match(hosted.setup_url ?? '', /^http/);
    assert.equal(hosted.payment_method, null);
  });

  it('creates, reads, lists and cancels a schedule on a saved card', async () => {
    const { customer, pm } = await customerWithCard('subscriber@example.com');
    const start = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const schedule: Schedule = await tender.schedules.create({ customer: customer.id, payment_method: pm.id, amount: 49900, currency: 'RUB', interval: 'month', count: 12, start_date: start, description: 'Monthly box' });
    assert.match(schedule.id, /^sch_/);
    assert.equal(schedule.status, 'active');
    assert.equal(schedule.amount, 49900);
    assert.equal(schedule.charges_made, 0);
    assert.equal(schedule.next_charge_at?.slice(0, 4), start.slice(0, 4));
    assert.equal((await tender.schedules.retrieve(schedule.id)).id, schedule.id);
    assert.ok((await tender.schedules.list()).data.some((s) => s.id === schedule.id));
    assert.deepEqual((await tender.schedules.charges(schedule.id)).data, []);
    await assert.rejects(other.schedules.retrieve(schedule.id), (e: unknown) => e instanceof TenderApiError && e.status === 404);
    const canceled = await tender.schedules.cancel(schedule.id);
    assert.equal(canceled.status, 'canceled');
    await assert.rejects(
      tender.schedules.create({ customer: customer.id, payment_method: pm.id, amount: 0, currency: 'RUB', interval: 'month', start_date: start }),
      (e: unknown) => e instanceof TenderApiError && e.status === 400,
    );
  });
});
