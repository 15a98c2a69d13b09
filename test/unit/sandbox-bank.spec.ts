import assert from 'node:assert/strict';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { SANDBOX_MEMORY, SandboxLedger } from '@tender/adapter-sandbox/dist/sandbox-ledger';
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

describe('the sandbox ledger, bounded', () => {
  const approved = { kind: 'approved', authorizationCode: '000001', rrn: undefined, bankReference: undefined } as const;
  const facts = (reference: string) => ({
    reference,
    paymentId: `pay_${reference}`,
    amount: 100,
    capture: true,
    last4: '4242',
    cvcGiven: true,
    initiator: undefined,
    sequence: undefined,
    reason: undefined,
    originalReference: undefined,
    verification: false,
  });

  it('remembers at most its capacity of each kind, forgetting the oldest first', () => {
    assert.equal(SANDBOX_MEMORY, 20_000);
    const ledger = new SandboxLedger(3);
    for (let i = 1; i <= 5; i++) {
      ledger.tell(facts(`op_${i}`));
      ledger.remember(`op_${i}`, approved);
      ledger.open(`op_${i}`, 'sale', 100, undefined);
    }
    assert.deepEqual(ledger.size(), { answers: 3, entries: 3, authorizations: 3 });
    assert.equal(ledger.answered('op_2'), undefined, 'the oldest are forgotten');
    assert.equal(ledger.entry('op_2'), undefined);
    assert.deepEqual(ledger.answered('op_5'), approved, 'the newest are kept');
    assert.deepEqual(
      ledger.authorizations().map((a) => a.reference),
      ['op_3', 'op_4', 'op_5'],
    );
  });

  it("counts an account's holds from its own entries, and stops counting one it has forgotten", () => {
    const ledger = new SandboxLedger(3);
    ledger.open('op_a1', 'debit_hold', 1_000, 'acc_a');
    ledger.open('op_b1', 'debit', 500, 'acc_b');
    ledger.open('op_a2', 'debit', 200, 'acc_a');
    assert.equal(ledger.spentFrom('acc_a'), 1_200);
    assert.equal(ledger.spentFrom('acc_b'), 500);
    const refunded = ledger.entry('op_a2');
    assert.ok(refunded);
    refunded.refunded = 50;
    assert.equal(ledger.spentFrom('acc_a'), 1_150, 'a refund gives back');
    ledger.open('op_c1', 'sale', 300, undefined);
    assert.equal(ledger.entry('op_a1'), undefined, 'the oldest entry was forgotten');
    assert.equal(ledger.spentFrom('acc_a'), 150, 'and no longer holds money');
    assert.equal(ledger.spentFrom('acc_none'), 0);
  });
});
