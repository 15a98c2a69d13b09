/**
 * Amounts are integers in the currency's minor unit (kopecks, cents). The largest
 * accepted amount keeps every sum of amounts exact in a JavaScript number and in a
 * signed 64-bit column.
 */
export const MAX_AMOUNT = 99_999_999_999;

export function isValidAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= MAX_AMOUNT;
}

/**
 * Reads an integer column: mysql2 returns BIGINT as a number when it is safe and as a
 * string otherwise; SQLite returns numbers. Anything that is not an exact integer is a
 * bug, not a rounding opportunity.
 */
export function toMinorUnits(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new Error(`not an exact integer amount: ${String(value)}`);
  }
  return n;
}
