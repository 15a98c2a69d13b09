import assert from 'node:assert/strict';
import { assertConforms, checkPaymentMethod } from '@tender/core/testing';
import { SavedCardPaymentMethod, SavedCardsDeps, isExpired } from '@tender/plugin-saved-cards';

describe('saved_card payment method (@tender/plugin-saved-cards)', () => {
  // The suite checks the type, capability, input schema and page part; it never calls
  // instrument(), the only part that reads the database (the integration specs do).
  const method = new SavedCardPaymentMethod({} as unknown as SavedCardsDeps);

  it('conforms to the PaymentMethod contract (schema, page part, no secret echoed)', async () => {
    assertConforms(
      await checkPaymentMethod({
        method,
        valid: [{ id: 'pm_4fJ2aBcD' }, { id: 'pm_4fJ2aBcD', cvc: '123', reason: 'recurring' }],
        invalid: [{ id: 'card_123' }, { id: 'pm_' }, { id: 'pm_4fJ2', cvc: '12' }, { id: 'pm_4fJ2', cvc: '12345' }, { id: 'pm_4fJ2', reason: 'whenever' }],
        requiresInput: true,
        secretFields: ['cvc'],
      }),
    );
    assert.equal(method.referencePrefix, 'pm');
  });

  it('takes a card as valid through the last day of its expiry month (UTC)', () => {
    const card = { expMonth: 2, expYear: 2028 };
    assert.equal(isExpired(card, Date.UTC(2028, 1, 29, 23, 59, 59)), false);
    assert.equal(isExpired(card, Date.UTC(2028, 2, 1)), true);
    assert.equal(isExpired({ expMonth: 12, expYear: 2027 }, Date.UTC(2027, 11, 31, 12)), false);
    assert.equal(isExpired({ expMonth: 12, expYear: 2027 }, Date.UTC(2028, 0, 1)), true);
  });
});
