import assert from 'node:assert/strict';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { AuthorizationRequest } from '@tender/core';

const base: AuthorizationRequest = {
  reference: 'op_1',
  paymentId: 'pay_1',
  amount: 1000,
  currency: 'RUB',
  capture: false,
  livemode: false,
  card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123', holderName: undefined },
  connection: { bankMerchantId: undefined, terminalId: undefined },
};
const auth = (number: string, reference = 'op_1') => new SandboxBankAdapter().authorize({ ...base, reference, card: { ...base.card, number } });

describe('sandbox bank (no database)', () => {
  it('answers each test card as documented', async () => {
    assert.equal((await auth('4242424242424242')).kind, 'approved');
    assert.equal((await auth('5555555555554444')).kind, 'approved');
    assert.equal((await auth('2200000000000004')).kind, 'approved');
    assert.deepEqual(await auth('4000000000000002'), { kind: 'declined', reason: 'do_not_honor', rawCode: '05', message: 'Declined: do_not_honor' });
    assert.equal(((await auth('4000000000009995')) as { reason: string }).reason, 'insufficient_funds');
    assert.equal(((await auth('4000000000000069')) as { reason: string }).reason, 'expired_card');
    assert.equal(((await auth('4000000000000127')) as { reason: string }).reason, 'incorrect_cvc');
    assert.equal((await auth('4000000000000119')).kind, 'technical_failure');
    assert.equal((await auth('4000000000000259')).kind, 'unknown');
    const challenge = await auth('4000000000003220');
    assert.equal(challenge.kind, 'action_required');
    assert.match((challenge as { challenge: { acsUrl: string } }).challenge.acsUrl, /^\/sandbox\/3ds\/challenge$/);
  });

  it('gives the same answer to a retry with the same reference', async () => {
    assert.deepEqual(await auth('4242424242424242', 'op_x'), await auth('4242424242424242', 'op_x'));
    assert.notDeepEqual(await auth('4242424242424242', 'op_x'), await auth('4242424242424242', 'op_y'));
  });

  it('settles the timeout card by inquiry as approved, and knows nothing of unknown cards', async () => {
    const bank = new SandboxBankAdapter();
    const inquiry = {
      kind: 'sale' as const,
      reference: 'op_t',
      paymentId: 'pay_1',
      amount: 1000,
      currency: 'RUB',
      livemode: false,
      connection: base.connection,
    };
    assert.equal((await bank.inquire({ ...inquiry, cardBin: '400000', cardLast4: '0259' })).kind, 'approved');
    assert.equal((await bank.inquire({ ...inquiry, cardBin: undefined, cardLast4: undefined })).kind, 'not_found');
  });
});
