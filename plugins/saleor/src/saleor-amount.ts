import { TenderError, findCurrency, minorToDecimal, parseDecimalAmount } from '@tender/core';

/**
 * Saleor sends amounts as decimals in the major unit (25.5 RUB); Tender counts integer
 * minor units. The conversion is core's (parseDecimalAmount, minorToDecimal), through
 * the decimal text, never through float arithmetic, and an amount finer than the
 * currency's minor unit is refused rather than rounded: a shop must not be charged a
 * different amount than Saleor shows.
 *
 * @example
 * ```ts
 * toMinorUnits(25.5, 'RUB');   // 2550
 * toMinorUnits(10, 'JPY');     // 10
 * fromMinorUnits(2550, 'RUB'); // 25.5
 * ```
 */
export function toMinorUnits(amount: number | string, currency: string): number {
  const exponent = exponentOf(currency);
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const minor = parseDecimalAmount(text, currency, { trailingZeros: true });
  if (minor !== undefined) return minor;
  const fraction = (/^\d{1,15}\.(\d{1,20})$/.exec(text)?.[1] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) {
    throw new TenderError('amount_invalid', { param: 'action.amount', message: `${currency} amounts have at most ${exponent} decimal places; got ${text}.` });
  }
  throw new TenderError('amount_invalid', { param: 'action.amount' });
}

/** Saleor's JSON number for an amount: the exact decimal text read as a number (Saleor's own API type). */
export function fromMinorUnits(minor: number, currency: string): number {
  exponentOf(currency);
  return Number(minorToDecimal(minor, currency));
}

function exponentOf(currency: string): number {
  const found = findCurrency(currency.toUpperCase());
  if (found === undefined) throw new TenderError('currency_unsupported', { param: 'action.currency' });
  return found.exponent;
}
