import assert from 'node:assert/strict';
import { detectBrand, passesLuhn, TenderError } from '@tender/core';
import { parseCardInput } from '@tender/core/dist/methods/card/card-input';

const now = new Date(Date.UTC(2026, 10, 27));
const valid = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' };

function errorOf(fn: () => unknown): TenderError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof TenderError, `expected a TenderError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('card validation (no database)', () => {
  it('accepts the sandbox cards under Luhn', () => {
    for (const n of ['4242424242424242', '5555555555554444', '2200000000000004', '4000000000000259', '4000000000003220']) assert.ok(passesLuhn(n), n);
    assert.equal(passesLuhn('4242424242424241'), false);
    assert.equal(passesLuhn('42424242a4242424'), false);
  });

  it('detects brands by prefix, Mir before the Mastercard 2-series', () => {
    assert.equal(detectBrand('2200000000000004'), 'mir');
    assert.equal(detectBrand('2204000000000000'), 'mir');
    assert.equal(detectBrand('2221000000000009'), 'mastercard');
    assert.equal(detectBrand('2720990000000007'), 'mastercard');
    assert.equal(detectBrand('5105105105105100'), 'mastercard');
    assert.equal(detectBrand('4111111111111111'), 'visa');
    assert.equal(detectBrand('378282246310005'), 'amex');
    assert.equal(detectBrand('9999999999999995'), 'unknown');
  });

  it('normalises spaces and dashes and two-digit years', () => {
    const card = parseCardInput({ ...valid, number: '4242 4242-4242 4242', exp_year: 30 }, now);
    assert.equal(card.number, '4242424242424242');
    assert.equal(card.expYear, 2030);
    assert.equal(card.brand, 'visa');
  });

  it('names the field in every error and never echoes the number', () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ ...valid, number: '4242424242424241' }, 'card_number_invalid', 'payment_method.card.number'],
      [{ ...valid, number: '4242' }, 'card_number_invalid', 'payment_method.card.number'],
      [{ ...valid, number: 4242424242424242 }, 'card_number_invalid', 'payment_method.card.number'],
      [{ ...valid, number: undefined }, 'parameter_missing', 'payment_method.card.number'],
      [{ ...valid, exp_month: 13 }, 'card_expiry_invalid', 'payment_method.card.exp_month'],
      [{ ...valid, exp_month: '1x' }, 'card_expiry_invalid', 'payment_method.card.exp_month'],
      [{ ...valid, exp_year: 2026, exp_month: 10 }, 'card_expiry_invalid', 'payment_method.card.exp_year'],
      [{ ...valid, exp_year: 1999 }, 'card_expiry_invalid', 'payment_method.card.exp_year'],
      [{ ...valid, cvc: '12' }, 'card_cvc_invalid', 'payment_method.card.cvc'],
      [{ ...valid, cvc: 123 }, 'card_cvc_invalid', 'payment_method.card.cvc'],
      [{ ...valid, cvc: undefined }, 'card_cvc_invalid', 'payment_method.card.cvc'],
      [{ ...valid, holder_name: 'x'.repeat(101) }, 'parameter_invalid', 'payment_method.card.holder_name'],
    ];
    for (const [input, code, param] of cases) {
      const error = errorOf(() => parseCardInput(input, now));
      assert.equal(error.code, code, JSON.stringify(input));
      assert.equal(error.param, param, JSON.stringify(input));
      assert.equal(error.status, 400);
      assert.ok(!error.message.includes('4242424242424241'));
    }
  });

  it('accepts a card through the last day of its expiry month', () => {
    assert.doesNotThrow(() => parseCardInput({ ...valid, exp_month: 11, exp_year: 2026 }, now));
  });
});
