import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { IBigNumber, PaymentAccountHolderDTO } from '@medusajs/types';
import { TenderApiError, TenderClient } from '@tender/client';
import { TenderPaymentProvider } from '@tender/medusa-payment';
import { type TestGateway, startSavedCardsGateway, CARDS } from '../support/gateway-support';

/** Medusa's real BigNumber and session statuses, from where the provider resolves @medusajs/utils. */
const medusa = createRequire(require.resolve('@tender/medusa-payment'))('@medusajs/utils') as {
  BigNumber: new (value: string | number) => IBigNumber;
  PaymentSessionStatus: Record<'AUTHORIZED' | 'PENDING', string>;
};

/**
 * The Medusa provider's account holders and saved payment methods against a real
 * gateway with the saved-cards plugin, called as Medusa's payment module calls them:
 * the account holder is a Tender customer, a card the buyer saves while paying is a
 * saved payment method Medusa lists, and a session with a saved card is charged at once.
 */
describe('Medusa payment provider: account holders and saved payment methods', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let client: TenderClient;
  let provider: TenderPaymentProvider;
  const card = { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' };
  const medusaCustomer = { id: 'cus_01MEDUSA', email: 'anna@example.com', first_name: 'Anna', last_name: 'Petrova', phone: '+7 999 000-11-22' };

  before(async () => {
    t = await startSavedCardsGateway();
    const baseUrl = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    const apiKey = (await t.createMerchant('Medusa Shop')).key;
    client = new TenderClient({ secretKey: apiKey, baseUrl });
    provider = new TenderPaymentProvider({}, { apiKey, baseUrl, webhookSecret: 'whsec_not_used_here', setupCurrency: 'RUB' });
  });
  after(() => t.close());

  async function accountHolder(): Promise<PaymentAccountHolderDTO> {
    const holder = await provider.createAccountHolder({ context: { customer: medusaCustomer, idempotency_key: `holder-${Math.random()}` } });
    assert.match(holder.id, /^cus_/);
    return { data: holder.data ?? {} };
  }

  it('creates the account holder as a Tender customer, and reads and updates it', async () => {
    const holder = await provider.createAccountHolder({ context: { customer: medusaCustomer } });
    const customer = await client.customers.retrieve(holder.id);
    assert.equal(customer.email, 'anna@example.com');
    assert.equal(customer.name, 'Anna Petrova');
    assert.deepEqual(customer.metadata, { medusa_customer_id: 'cus_01MEDUSA' });
    assert.equal((await provider.retrieveAccountHolder({ id: holder.id })).id, holder.id);
    const again = await provider.createAccountHolder({ context: { customer: medusaCustomer, account_holder: { data: holder.data ?? {} } } });
    assert.equal(again.id, holder.id, 'an existing account holder is not created twice');
    const updated = await provider.updateAccountHolder({ context: { account_holder: { data: holder.data ?? {} }, customer: { ...medusaCustomer, email: 'anna.p@example.com' } } });
    assert.equal(updated.data?.email, 'anna.p@example.com');
  });

  it('saves the card the buyer pays with, lists it, charges it with the buyer absent, deletes it', async () => {
    const holder = await accountHolder();
    const session = await provider.initiatePayment({ amount: new medusa.BigNumber('15.00'), currency_code: 'rub', data: { session_id: 'payses_save', setup_future_usage: 'off_session' }, context: { account_holder: holder } });
    const payment = await client.payments.retrieve(session.id);
    assert.equal(payment.customer, holder.data.id);
    assert.equal(payment.setup_future_usage, 'off_session');
    await client.payments.confirmWithCard(session.id, card);

    const methods = await provider.listPaymentMethods({ context: { account_holder: holder } });
    assert.equal(methods.length, 1);
    const saved = methods[0]!;
    assert.match(saved.id, /^pm_/);
    assert.deepEqual(saved.data?.card, { brand: 'visa', last4: '4242', exp_month: card.exp_month, exp_year: card.exp_year });
    assert.ok(!JSON.stringify(methods).includes(card.number));

    const renewal = await provider.initiatePayment({ amount: new medusa.BigNumber('9.90'), currency_code: 'rub', data: { session_id: 'payses_renew', payment_method: saved.id, off_session: true }, context: { account_holder: holder } });
    assert.equal(renewal.status, medusa.PaymentSessionStatus.AUTHORIZED, 'charged at once, without the buyer');
    const charged = await client.payments.retrieve(renewal.id);
    assert.equal(charged.off_session, true);
    assert.equal(charged.payment_method, saved.id);

    assert.deepEqual(await provider.deletePaymentMethod({ data: { id: saved.id } }), {});
    assert.deepEqual(await provider.listPaymentMethods({ context: { account_holder: holder } }), []);
    assert.deepEqual(await provider.deletePaymentMethod({ data: { id: saved.id } }), {}, 'deleting again is not an error');
  });

  it('a changed cart\'s new payment stays the account holder\'s, still saving the card', async () => {
    const holder = await accountHolder();
    const session = await provider.initiatePayment({ amount: new medusa.BigNumber('20.00'), currency_code: 'rub', data: { session_id: 'payses_cart', setup_future_usage: 'on_session' }, context: { account_holder: holder } });
    const updated = await provider.updatePayment({ amount: new medusa.BigNumber('25.00'), currency_code: 'rub', data: session.data ?? {}, context: { account_holder: holder } });
    const next = await client.payments.retrieve(String(updated.data?.id));
    assert.notEqual(next.id, session.id);
    assert.equal(next.amount, 2500);
    assert.equal(next.customer, holder.data.id);
    assert.equal(next.setup_future_usage, 'on_session');
    assert.equal((await client.payments.retrieve(session.id)).status, 'canceled', 'the old unpaid payment is closed');
  });

  it('saves a card without a purchase through a setup attempt', async () => {
    const holder = await accountHolder();
    const saved = await provider.savePaymentMethod({ data: { usage: 'off_session' }, context: { account_holder: holder } });
    assert.match(saved.id, /^seti_/);
    assert.equal(saved.data?.status, 'requires_payment_method');
    assert.match(String(saved.data?.setup_url), /^http/);
  });

  it('refuses saved-card fields without an account holder, and a malformed card id, creating nothing', async () => {
    const before = (await client.payments.list({ order_id: 'payses_refused' })).data.length;
    await assert.rejects(provider.initiatePayment({ amount: new medusa.BigNumber('5'), currency_code: 'rub', data: { session_id: 'payses_refused', setup_future_usage: 'off_session' } }), /account holder/);
    const holder = await accountHolder();
    await assert.rejects(provider.initiatePayment({ amount: new medusa.BigNumber('5'), currency_code: 'rub', data: { session_id: 'payses_refused', payment_method: 'pay_notacard' }, context: { account_holder: holder } }), /pm_/);
    await assert.rejects(provider.initiatePayment({ amount: new medusa.BigNumber('5'), currency_code: 'rub', data: { session_id: 'payses_refused', off_session: true }, context: { account_holder: holder } }), /payment_method/);
    assert.equal((await client.payments.list({ order_id: 'payses_refused' })).data.length, before);
  });

  it('deleting the account holder erases the Tender customer and its cards', async () => {
    const holder = await accountHolder();
    const id = String(holder.data.id);
    const checked = await client.setupAttempts.create({ customer: id, currency: 'RUB', payment_method: { type: 'card', card } });
    assert.equal(checked.status, 'succeeded');
    await provider.deleteAccountHolder({ context: { account_holder: { id: 'acchld_1', provider_id: 'pp_tender_tender', external_id: id, data: holder.data } } });
    await assert.rejects(client.customers.retrieve(id), (e: unknown) => e instanceof TenderApiError && e.status === 404, 'the customer is erased');
    await assert.rejects(client.paymentMethods.retrieve(checked.payment_method ?? ''), (e: unknown) => e instanceof TenderApiError && e.status === 404, 'its card is deleted');
    await provider.deleteAccountHolder({ context: { account_holder: { id: 'acchld_1', provider_id: 'pp_tender_tender', external_id: id, data: holder.data } } });
  });
});
