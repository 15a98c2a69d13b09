import { TenderError, findCurrency } from '@tender/core';

/**
 * Saleor sends amounts as decimals in the major unit (25.5 RUB); Tender counts integer
 * minor units. The conversion goes through the decimal text, never through float
 * arithmetic, and an amount finer than the currency's minor unit is refused rather
 * than rounded: a shop must not be charged a different amount than Saleor shows.
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
  const match = /^(\d{1,15})(?:\.(\d{1,20}))?$/.exec(text);
  if (match === null) throw new TenderError('amount_invalid', { param: 'action.amount' });
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) {
    throw new TenderError('amount_invalid', { param: 'action.amount', message: `${currency} amounts have at most ${exponent} decimal places; got ${text}.` });
  }
  const minor = Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor <= 0) throw new TenderError('amount_invalid', { param: 'action.amount' });
  return minor;
}

export function fromMinorUnits(minor: number, currency: string): number {
  const exponent = exponentOf(currency);
  return Number(`${Math.trunc(minor / 10 ** exponent)}.${String(minor % 10 ** exponent).padStart(exponent, '0')}`);
}

function exponentOf(currency: string): number {
  const found = findCurrency(currency.toUpperCase());
  if (found === undefined) throw new TenderError('currency_unsupported', { param: 'action.currency' });
  return found.exponent;
}
