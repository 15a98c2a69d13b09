import assert from 'node:assert/strict';
import { MERCHANT_STAGES, TenderError, assertStageTransition, canMoveStage, isValidInn, stageEventType } from '@tender/core';

describe('merchant stage machine (no database)', () => {
  it('moves forward one stage at a time', () => {
    assert.ok(canMoveStage('applied', 'registered'));
    assert.ok(canMoveStage('registered', 'bank_chosen'));
    assert.ok(canMoveStage('bank_chosen', 'bank_chosen'), 'another bank may be chosen before the contract');
    assert.ok(canMoveStage('bank_chosen', 'contract_signed'));
    assert.ok(canMoveStage('contract_signed', 'live'));
    assert.ok(!canMoveStage('applied', 'bank_chosen'));
    assert.ok(!canMoveStage('live', 'registered'));
  });

  it('refuses going live without a signed contract with contract_not_signed', () => {
    for (const from of ['applied', 'registered', 'bank_chosen'] as const) {
      assert.throws(
        () => assertStageTransition(from, 'live'),
        (e: unknown) => e instanceof TenderError && e.code === 'contract_not_signed' && e.status === 409,
      );
    }
  });

  it('lets any active stage be suspended, and nothing move a suspended merchant', () => {
    for (const stage of MERCHANT_STAGES.filter((s) => s !== 'suspended')) assert.ok(canMoveStage(stage, 'suspended'), stage);
    for (const to of MERCHANT_STAGES) {
      assert.throws(
        () => assertStageTransition('suspended', to),
        (e: unknown) => e instanceof TenderError && e.code === 'merchant_suspended',
      );
    }
  });

  it('names an event for every stage', () => {
    assert.deepEqual(MERCHANT_STAGES.map(stageEventType), [
      'merchant.application_submitted',
      'merchant.registered',
      'merchant.bank_chosen',
      'merchant.contract_signed',
      'merchant.live',
      'merchant.suspended',
    ]);
  });
});

describe('INN check digits (no database)', () => {
  it('accepts valid 10- and 12-digit INNs and refuses wrong check digits or lengths', () => {
    assert.ok(isValidInn('7707083893'));
    assert.ok(isValidInn('500100732259'));
    assert.ok(!isValidInn('7707083890'));
    assert.ok(!isValidInn('500100732250'));
    assert.ok(!isValidInn('500100732209'));
    assert.ok(!isValidInn('77070838'));
    assert.ok(!isValidInn('770708389a'));
    assert.ok(!isValidInn(' 7707083893'));
  });
});
