import { DECIMAL_PATTERN, decimalToMinor, minorToDecimal, parseDecimalAmount } from '@tender/core';

/**
 * The dashboard's amounts in forms and CSV: core's one conversion between minor units
 * and decimal text (core/src/money/decimal-amount.ts), re-exported for the screens.
 */
export { DECIMAL_PATTERN, decimalToMinor, minorToDecimal };

/** An amount field of a form (major units, '.' or ',') in minor units, or undefined when it is not a valid amount (positive, at most MAX_AMOUNT, no more decimals than the currency has). */
export function parseFormAmount(value: string, currency: string): number | undefined {
  return parseDecimalAmount(value, currency, { comma: true });
}
