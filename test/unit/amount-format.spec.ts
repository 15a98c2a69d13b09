import assert from 'node:assert/strict';
import { formatAmount } from '@tender/core/dist/pages/amount-format';

/** Intl's no-break space (ru groups, en and ar before the code) and Arabic's right-to-left mark. */
const NBSP = '\u00a0';
const RLM = '\u200f';

describe('amount formatting for pages and e-mails (formatAmount)', () => {
  it("writes 2 499,00 ₽ in Russian, RUB 2,499.00 in English and Intl's Arabic, from the integer", () => {
    assert.equal(formatAmount(249900, 'RUB', 'ru'), `2${NBSP}499,00${NBSP}₽`);
    assert.equal(formatAmount(249900, 'RUB', 'en'), `RUB${NBSP}2,499.00`);
    assert.equal(formatAmount(249900, 'RUB', 'ar'), `${RLM}2,499.00${NBSP}RUB`);
    assert.equal(formatAmount(249900, 'USD', 'en'), '$2,499.00');
  });

  it("uses the currency's decimals: none for JPY, three for KWD", () => {
    assert.equal(formatAmount(1500, 'JPY', 'en'), '¥1,500');
    assert.equal(formatAmount(1500, 'JPY', 'ru'), `1${NBSP}500${NBSP}¥`);
    assert.equal(formatAmount(1500, 'KWD', 'en'), `KWD${NBSP}1.500`);
    assert.equal(formatAmount(1, 'KWD', 'en'), `KWD${NBSP}0.001`);
    assert.equal(formatAmount(5, 'KWD', 'ru'), `0,005${NBSP}KWD`);
    assert.equal(formatAmount(1500, 'KWD', 'ar'), `${RLM}1.500${NBSP}د.ك.${RLM}`);
    assert.equal(formatAmount(1, 'RUB', 'ru'), `0,01${NBSP}₽`);
    assert.equal(formatAmount(0, 'RUB', 'en'), `RUB${NBSP}0.00`);
  });

  it('is exact beyond what a float holds: the largest safe integer and a bigint past it', () => {
    // 9007199254740993 is not a double: a float path would print ...740,99 or ...741,00 for the bigint below.
    assert.equal(formatAmount(Number.MAX_SAFE_INTEGER, 'RUB', 'ru'), `90${NBSP}071${NBSP}992${NBSP}547${NBSP}409,91${NBSP}₽`);
    assert.equal(formatAmount(9007199254740993n, 'RUB', 'en'), `RUB${NBSP}90,071,992,547,409.93`);
    assert.equal(formatAmount(123456789012345678901234567n, 'KWD', 'en'), `KWD${NBSP}123,456,789,012,345,678,901,234.567`);
    assert.equal(formatAmount(999999999999999n, 'JPY', 'en'), '¥999,999,999,999,999');
  });

  it('keeps the sign of a negative amount (a refund shown as a credit) and its leading zeros', () => {
    assert.equal(formatAmount(-5, 'RUB', 'en'), `-RUB${NBSP}0.05`);
    assert.equal(formatAmount(-123450, 'RUB', 'ru'), `-1${NBSP}234,50${NBSP}₽`);
  });

  it('refuses a number that is not an exact integer of minor units', () => {
    assert.throws(() => formatAmount(12.5, 'RUB', 'en'), RangeError);
    assert.throws(() => formatAmount(2 ** 53, 'RUB', 'en'), RangeError);
    assert.throws(() => formatAmount(Number.NaN, 'RUB', 'en'), RangeError);
  });

  it('falls back to two decimals for a currency code it does not know', () => {
    assert.equal(formatAmount(12345, 'XTS', 'en'), `XTS${NBSP}123.45`);
  });
});
