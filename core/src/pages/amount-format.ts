import { findCurrency } from '../money/currencies';

/**
 * An amount in minor units for people to read, in the page's locale. Exact for any
 * size: the decimal string is built from the integer, never through a float, and
 * Intl.NumberFormat formats decimal strings exactly (ECMA-402 NumberFormat v3).
 *
 * @example
 * ```ts
 * formatAmount(150000, 'RUB', 'ru'); // '1 500,00 ₽'
 * formatAmount(1500, 'JPY', 'en');   // '¥1,500'
 * ```
 */
export function formatAmount(minor: number, currency: string, locale: string): string {
  const exponent = findCurrency(currency)?.exponent ?? 2;
  const digits = BigInt(minor).toString().padStart(exponent + 1, '0');
  const decimal = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
  // lib ES2022 types format() as number|bigint only; the runtime (Node >= 19) takes a decimal string.
  return (format.format as unknown as (value: string) => string)(decimal);
}
