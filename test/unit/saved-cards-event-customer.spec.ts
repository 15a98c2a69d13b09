import assert from 'node:assert/strict';
import { announcesNoCustomer } from '@tender/plugin-saved-cards/dist/events/payment-event';

describe('saved cards: an event that announces its payment has no customer', function () {
  it('is a payment view whose customer is null', () => {
    assert.equal(announcesNoCustomer({ data: { id: 'pay_1', object: 'payment', customer: null } }), true);
  });

  it('is not one with a customer, without the field, or without data (the listener reads the payment then)', () => {
    assert.equal(announcesNoCustomer({ data: { id: 'pay_1', customer: 'cus_1' } }), false);
    assert.equal(announcesNoCustomer({ data: { id: 'pay_1' } }), false);
    assert.equal(announcesNoCustomer({ data: null }), false);
    assert.equal(announcesNoCustomer({ data: 'customer' }), false);
    assert.equal(announcesNoCustomer({}), false);
    // A customer field that is present but not null (hostile or malformed) is not "no customer".
    assert.equal(announcesNoCustomer({ data: { customer: '' } }), false);
    assert.equal(announcesNoCustomer({ data: { customer: undefined } }), false);
  });
});
