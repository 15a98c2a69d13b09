import { MAX_AMOUNT, findCurrency } from '@tender/core';

/**
 * Exact conversions between minor units and decimal strings for people (forms, CSV),
 * built on the digits, never through a float.
 *
 * @example
 * ```ts
 * minorToDecimal(150005, 'RUB');          // '1500.05'
 * minorToDecimal(1500, 'JPY');            // '1500'
 * decimalToMinor('1500.5', 2, 'floor');   // 150050
 * decimalToMinor('0.005', 2, 'ceil');     // 1
 * ```
 */
export function minorToDecimal(minor: number, currency: string): string {
  const exponent = findCurrency(currency)?.exponent ?? 2;
  const negative = minor < 0;
  const digits = BigInt(Math.abs(minor)).toString().padStart(exponent + 1, '0');
  const body = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return negative ? `-${body}` : body;
}

/** A non-negative decimal as people type it: digits, an optional '.' or ',' and more digits. */
export const DECIMAL_PATTERN = /^\d{1,15}(?:[.,]\d{1,6})?$/;

/**
 * A decimal string in minor units of a currency with `exponent` digits. Extra digits
 * beyond the exponent round toward the inside of a range: 'ceil' for a lower bound,
 * 'floor' for an upper one, so a bound never lets in an amount it excludes.
 */
export function decimalToMinor(decimal: string, exponent: number, rounding: 'floor' | 'ceil'): number {
  if (!DECIMAL_PATTERN.test(decimal)) throw new Error(`not a decimal amount: ${decimal}`);
  const [whole = '0', fraction = ''] = decimal.replace(',', '.').split('.');
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  const dropped = fraction.slice(exponent);
  let minor = BigInt(whole + kept);
  if (rounding === 'ceil' && /[1-9]/.test(dropped)) minor += 1n;
  return Number(minor);
}

/** An amount field of a form (major units) in minor units, or undefined when it is not a valid amount (positive, at most MAX_AMOUNT, no more decimals than the currency has). */
export function parseFormAmount(value: string, currency: string): number | undefined {
  const exponent = findCurrency(currency)?.exponent;
  if (exponent === undefined || !DECIMAL_PATTERN.test(value.trim())) return undefined;
  const [, fraction = ''] = value.trim().replace(',', '.').split('.');
  if (fraction.length > exponent) return undefined;
  const minor = decimalToMinor(value.trim(), exponent, 'floor');
  return minor > 0 && minor <= MAX_AMOUNT ? minor : undefined;
}
