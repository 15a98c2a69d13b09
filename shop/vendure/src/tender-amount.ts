const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Digits of the currency's minor unit (ISO 4217). */
export function currencyDigits(currency: string): number {
  const c = currency.toUpperCase();
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

/**
 * Vendure keeps every amount as an integer scaled by its MoneyStrategy's `precision`
 * (2 by default, for every currency: 1500 JPY is stored as 150000); Tender takes ISO
 * 4217 minor units (1500 JPY is 1500). Integer arithmetic only; an amount that does not
 * fit the currency's minor unit exactly (1500.50 JPY) is refused, never rounded, so the
 * buyer is charged exactly what the order shows or nothing.
 *
 * @example
 * ```ts
 * toTenderAmount(2550, 'EUR');     // 2550
 * toTenderAmount(150000, 'JPY');   // 1500
 * toTenderAmount(1234, 'KWD');     // 12340 (12.340 KWD)
 * ```
 */
export function toTenderAmount(vendureAmount: number, currency: string, precision = 2): number {
  if (!Number.isSafeInteger(vendureAmount) || vendureAmount <= 0) throw new RangeError(`Tender cannot take the amount ${vendureAmount}`);
  const shift = currencyDigits(currency) - precision;
  if (shift >= 0) return vendureAmount * 10 ** shift;
  const divisor = 10 ** -shift;
  if (vendureAmount % divisor !== 0) throw new RangeError(`Tender cannot take ${vendureAmount} (precision ${precision}) in ${currency.toUpperCase()}: the currency has ${currencyDigits(currency)} decimal places and amounts are not rounded`);
  return vendureAmount / divisor;
}

/** Tender minor units back to Vendure's scaled integer (always exact). */
export function fromTenderAmount(tenderAmount: number, currency: string, precision = 2): number {
  const shift = currencyDigits(currency) - precision;
  if (shift <= 0) return tenderAmount * 10 ** -shift;
  const divisor = 10 ** shift;
  if (tenderAmount % divisor !== 0) throw new RangeError(`${tenderAmount} ${currency.toUpperCase()} minor units are finer than Vendure's precision ${precision}`);
  return tenderAmount / divisor;
}
