import type { BigNumberInput } from '@medusajs/types';

const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Digits of the currency's minor unit (ISO 4217). */
export function minorUnitDigits(currency: string): number {
  const c = currency.toUpperCase();
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

/**
 * Medusa v2 amounts (major units, as a number, a decimal string or a BigNumber) to
 * Tender's integer minor units, through the decimal text: no float arithmetic. An
 * amount finer than the currency's minor unit (10.005 EUR) is refused, not rounded:
 * the buyer must be charged exactly what Medusa shows, and Medusa rounds its totals to
 * the currency's precision before it asks for a payment.
 *
 * @example
 * ```ts
 * toMinorUnits(new BigNumber('10.50'), 'eur'); // 1050
 * toMinorUnits('10.005', 'eur');               // throws
 * ```
 */
export function toMinorUnits(amount: BigNumberInput, currency: string): number {
  const digits = minorUnitDigits(currency);
  const text = decimalText(amount);
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text);
  if (match === null) throw new RangeError(`Tender cannot take the amount ${text}: amounts are positive decimals`);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) throw new RangeError(`Tender cannot take ${text} ${currency.toUpperCase()}: the currency has ${digits} decimal places and amounts are not rounded`);
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor <= 0) throw new RangeError(`Tender cannot take the amount ${text}`);
  return minor;
}

/** Minor units back to the major-unit number Medusa stores (exact for any safe integer amount). */
export function fromMinorUnits(minor: number, currency: string): number {
  const digits = minorUnitDigits(currency);
  if (digits === 0) return minor;
  return Number(`${Math.trunc(minor / 10 ** digits)}.${String(minor % 10 ** digits).padStart(digits, '0')}`);
}

function decimalText(amount: BigNumberInput): string {
  if (typeof amount === 'number') {
    // String() of a JS number is the shortest text that reads back to it: 0.1 -> "0.1".
    return Number.isFinite(amount) && Math.abs(amount) < 1e21 && (amount === 0 || Math.abs(amount) >= 1e-6) ? String(amount) : 'not a plain decimal';
  }
  if (typeof amount === 'string') return amount.trim();
  const value = amount as unknown as Record<string, unknown>;
  // Medusa's BigNumber keeps its exact decimal text in `raw.value`; a raw value is `{ value }`.
  const raw = typeof value.raw === 'object' && value.raw !== null ? (value.raw as Record<string, unknown>).value : value.value;
  if (typeof raw === 'string' || typeof raw === 'number') return String(raw).trim();
  // bignumber.js: toFixed() never uses exponent notation, unlike toString().
  if (typeof value.toFixed === 'function') return String((value.toFixed as () => string)()).trim();
  return String(amount).trim();
}
