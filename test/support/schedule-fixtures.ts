import assert from 'node:assert/strict';
import { CardVault, Gateway, inTransaction } from '@tender/core';
import { MerchantClient, card } from './merchant-client';

/** A customer of the merchant with one saved card. */
export interface CustomerWithCard {
  readonly customer: string;
  readonly paymentMethod: string;
}

/**
 * Makes a customer and saves a card for them the way a shop does: a payment with
 * `customer`, `setup_future_usage` and `confirm: true` that the bank approves; the
 * plugin saves the card (`pm_...`) with the payment.
 *
 * @example
 * ```ts
 * const { customer, paymentMethod } = await customerWithCard(shop, { email: 'buyer@example.com' });
 * ```
 */
export async function customerWithCard(shop: MerchantClient, options: { email?: string; number?: string; usage?: 'off_session' | 'on_session'; expYear?: number } = {}): Promise<CustomerWithCard> {
  const customer = (await shop.post('/v1/customers', { email: options.email ?? 'buyer@example.com', name: 'Buyer' }).expect(201)).body as { id: string };
  const method = card(options.number ?? '4242424242424242', options.expYear === undefined ? {} : { exp_year: options.expYear });
  const paid = await shop.post('/v1/payments', {
    amount: 100,
    currency: 'RUB',
    order_id: `save-${customer.id}`,
    customer: customer.id,
    setup_future_usage: options.usage ?? 'off_session',
    confirm: true,
    ...method,
  });
  assert.equal(paid.status, 201, JSON.stringify(paid.body));
  assert.equal(paid.body.status, 'captured', JSON.stringify(paid.body));
  const methods = (await shop.get(`/v1/customers/${customer.id}/payment_methods`).expect(200)).body as { data: Array<{ id: string }> };
  assert.equal(methods.data.length, 1, 'the card was saved');
  return { customer: customer.id, paymentMethod: methods.data[0]!.id };
}

/**
 * Points a saved card at another card number in the vault. The sandbox bank answers
 * by card number, so this is how a test models a saved card whose account later has
 * no funds (4000 0000 0000 9995), is refused by its issuer (4000 0000 0000 0002), or
 * pays again (4242 4242 4242 4242): the same `pm_...`, a different answer from the bank.
 */
export async function pointSavedCardAt(gateway: Gateway, merchantId: string, paymentMethod: string, pan: string): Promise<void> {
  const vault = gateway.container.resolve(CardVault);
  await inTransaction(gateway.db, async (trx) => {
    const stored = await vault.store(trx, { merchantId, livemode: false, pan });
    const changed = await trx('customer_payment_methods').where({ id: paymentMethod, merchant_id: merchantId, livemode: false }).update({ vault_id: stored.id });
    assert.equal(changed, 1, `no saved card ${paymentMethod}`);
  });
}
