import { findCurrency } from '../money/currencies';
import { decimalText } from '../money/decimal-amount';

/**
 * An amount in minor units for people to read, in the locale of a page or an e-mail
 * (`ru`, `en`, `ar`, or any BCP 47 tag), with the currency's own number of decimals
 * (0 for JPY, 3 for KWD, 2 for most). Exact for any size: the decimal string is built
 * from the integer, never through a float, and Intl.NumberFormat formats decimal
 * strings exactly (ECMA-402 NumberFormat v3, Node >= 19).
 *
 * @example
 * ```ts
 * formatAmount(249900, 'RUB', 'ru'); // '2 499,00 ₽'
 * formatAmount(249900, 'RUB', 'en'); // 'RUB 2,499.00'
 * formatAmount(1500, 'JPY', 'en');   // '¥1,500'
 * formatAmount(1500, 'KWD', 'en');   // 'KWD 1.500'
 * ```
 */
export function formatAmount(minor: number | bigint, currency: string, locale: string): string {
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) throw new RangeError(`not an exact amount in minor units: ${minor}`);
  const exponent = findCurrency(currency)?.exponent ?? 2;
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
  // lib ES2022 types format() as number|bigint only; the runtime (Node >= 19) takes a decimal string.
  return (format.format as unknown as (value: string) => string)(decimalText(minor, exponent));
}
