/**
 * Checks a Russian taxpayer number (ИНН): 10 digits for an organisation, 12 for an
 * individual entrepreneur, with the check digits the tax service defines.
 *
 * @example
 * ```ts
 * isValidInn('7707083893'); // true (Sberbank)
 * isValidInn('7707083890'); // false: wrong check digit
 * ```
 */
export function isValidInn(value: string): boolean {
  if (!/^(\d{10}|\d{12})$/.test(value)) return false;
  const digits = [...value].map(Number);
  const check = (weights: readonly number[]): number => (weights.reduce((sum, w, i) => sum + w * (digits[i] ?? 0), 0) % 11) % 10;
  if (digits.length === 10) return check([2, 4, 10, 3, 5, 9, 4, 6, 8]) === digits[9];
  return check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === digits[10] && check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === digits[11];
}
