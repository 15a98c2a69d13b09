import { MAX_AMOUNT } from './money';
import { findCurrency } from './currencies';

/**
 * Tender's one conversion between integer minor units and the decimal text people and
 * other protocols write (forms, CSV, the Assist and Saleor protocols, the formatted
 * amounts of pages and e-mails). Built on the integer's digits: never through a float.
 */

/** An amount of money as the gateway holds it: integer minor units of an ISO 4217 currency. */
export interface Money {
  /** Minor units (kopecks, cents; whole yen): a safe integer, never a float. */
  readonly amount: number;
  readonly currency: string;
}

/** Digits of the currency's minor unit: 0 (JPY), 2 (most), 3 (KWD); 2 for a code Tender does not list. */
export function currencyExponent(currency: string): number {
  return findCurrency(currency.toUpperCase())?.exponent ?? 2;
}

/**
 * The exact decimal text of an amount in minor units.
 *
 * @example
 * ```ts
 * minorToDecimal(150005, 'RUB'); // '1500.05'
 * minorToDecimal(1500, 'JPY');   // '1500'
 * minorToDecimal(-5, 'KWD');     // '-0.005'
 * ```
 */
export function minorToDecimal(minor: number | bigint, currency: string): string {
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) throw new RangeError(`not an exact amount in minor units: ${minor}`);
  return decimalText(minor, currencyExponent(currency));
}

/** {@link minorToDecimal} with the exponent given. */
export function decimalText(minor: number | bigint, exponent: number): string {
  const whole = BigInt(minor);
  const digits = (whole < 0n ? -whole : whole).toString().padStart(exponent + 1, '0');
  const unsigned = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return whole < 0n ? `-${unsigned}` : unsigned;
}

/** A non-negative decimal as people type it: digits, an optional '.' or ',' and more digits. */
export const DECIMAL_PATTERN = /^\d{1,15}(?:[.,]\d{1,6})?$/;

/**
 * A decimal string in minor units of a currency with `exponent` digits. Extra digits
 * beyond the exponent round toward the inside of a range: 'ceil' for a lower bound,
 * 'floor' for an upper one, so a bound never lets in an amount it excludes.
 *
 * @example
 * ```ts
 * decimalToMinor('1500.5', 2, 'floor'); // 150050
 * decimalToMinor('0.005', 2, 'ceil');   // 1
 * ```
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

export interface DecimalAmountRules {
  /** Accept ',' as the decimal separator (forms people type into). Default: '.' only. */
  readonly comma?: boolean;
  /** Ignore trailing zeros past the currency's digits ('25.500' RUB). Default: they count as extra digits. */
  readonly trailingZeros?: boolean;
}

/**
 * A payable amount written as a decimal in major units, in minor units; undefined
 * when it is not one: not a plain decimal, more decimals than the currency has (never
 * rounded: nobody is charged another amount than the one they read), zero, or more
 * than MAX_AMOUNT. An unknown currency is undefined too.
 *
 * @example
 * ```ts
 * parseDecimalAmount('1500.5', 'RUB');                 // 150050
 * parseDecimalAmount('1500,50', 'RUB', { comma: true }); // 150050
 * parseDecimalAmount('1.5', 'JPY');                    // undefined
 * parseDecimalAmount('25.500', 'RUB', { trailingZeros: true }); // 2550
 * ```
 */
export function parseDecimalAmount(text: string, currency: string, rules: DecimalAmountRules = {}): number | undefined {
  const exponent = findCurrency(currency.toUpperCase())?.exponent;
  if (exponent === undefined) return undefined;
  const match = (rules.comma === true ? /^(\d{1,15})(?:[.,](\d{1,20}))?$/ : /^(\d{1,15})(?:\.(\d{1,20}))?$/).exec(text.trim());
  if (match === null) return undefined;
  const fraction = rules.trailingZeros === true ? (match[2] ?? '').replace(/0+$/, '') : (match[2] ?? '');
  if (fraction.length > exponent) return undefined;
  const minor = Number(BigInt(`${match[1] ?? '0'}${fraction.padEnd(exponent, '0')}`));
  return Number.isSafeInteger(minor) && minor > 0 && minor <= MAX_AMOUNT ? minor : undefined;
}
