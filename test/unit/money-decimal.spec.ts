import assert from 'node:assert/strict';
import { MAX_AMOUNT, currencyExponent, decimalToMinor, minorToDecimal, parseDecimalAmount } from '@tender/core';

/** Core's one conversion between minor units and decimal text (core/src/money/decimal-amount.ts): no floats. */
describe('money: minor units and decimal text', () => {
  it('writes minor units as exact decimal text for every exponent, huge and negative amounts included', () => {
    assert.equal(minorToDecimal(150005, 'RUB'), '1500.05');
    assert.equal(minorToDecimal(5, 'rub'), '0.05');
    assert.equal(minorToDecimal(1500, 'JPY'), '1500');
    assert.equal(minorToDecimal(1500, 'KWD'), '1.500');
    assert.equal(minorToDecimal(-5, 'KWD'), '-0.005');
    assert.equal(minorToDecimal(MAX_AMOUNT, 'RUB'), '999999999.99');
    assert.equal(minorToDecimal(10n ** 30n + 1n, 'USD'), '10000000000000000000000000000.01');
    assert.throws(() => minorToDecimal(0.1 + 0.2, 'RUB'), RangeError);
    assert.equal(currencyExponent('XXX'), 2);
  });

  it('reads a payable decimal exactly, refusing rather than rounding', () => {
    assert.equal(parseDecimalAmount('1500.5', 'RUB'), 150050);
    assert.equal(parseDecimalAmount(' 0.01 ', 'RUB'), 1);
    assert.equal(parseDecimalAmount('1.005', 'KWD'), 1005);
    assert.equal(parseDecimalAmount('1500', 'JPY'), 1500);
    // 0.1 + 0.2 in floats is 0.30000000000000004: the text is read as digits.
    assert.equal(parseDecimalAmount('0.3', 'USD'), 30);
    assert.equal(parseDecimalAmount('1.005', 'RUB'), undefined);
    assert.equal(parseDecimalAmount('1.5', 'JPY'), undefined);
    assert.equal(parseDecimalAmount('1,5', 'RUB'), undefined);
    assert.equal(parseDecimalAmount('1,5', 'RUB', { comma: true }), 150);
    assert.equal(parseDecimalAmount('25.500', 'RUB'), undefined);
    assert.equal(parseDecimalAmount('25.500', 'RUB', { trailingZeros: true }), 2550);
  });

  it('refuses hostile text: signs, exponents, spaces inside, zero, too large, unknown currency', () => {
    for (const text of [
      '-1',
      '+1',
      '1e3',
      '1 000',
      '0x10',
      'NaN',
      'Infinity',
      '',
      '.5',
      '5.',
      '1.2.3',
      '١٢٣',
      '0',
      '0.00',
      `${MAX_AMOUNT + 1}`,
      '9'.repeat(16),
      `1.${'0'.repeat(25)}`,
    ]) {
      assert.equal(parseDecimalAmount(text, 'JPY', { comma: true, trailingZeros: true }), undefined, text);
    }
    assert.equal(parseDecimalAmount(`${MAX_AMOUNT}`, 'JPY'), MAX_AMOUNT);
    assert.equal(parseDecimalAmount('10', 'ZZZ'), undefined);
  });

  it('rounds range bounds toward the inside', () => {
    assert.equal(decimalToMinor('1500.5', 2, 'floor'), 150050);
    assert.equal(decimalToMinor('0.005', 2, 'ceil'), 1);
    assert.equal(decimalToMinor('0.005', 2, 'floor'), 0);
    assert.throws(() => decimalToMinor('1e2', 2, 'floor'));
  });
});
