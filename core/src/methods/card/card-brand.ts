/**
 * Card brands by number prefix and the lengths each brand issues.
 *
 * @example
 * ```ts
 * detectBrand('2200000000000004'); // 'mir'
 * ```
 */
export type CardBrand = 'mir' | 'visa' | 'mastercard' | 'maestro' | 'amex' | 'unionpay' | 'jcb' | 'unknown';

interface BrandRule {
  readonly brand: CardBrand;
  readonly matches: (n: string) => boolean;
  readonly lengths: readonly number[];
}

const prefix = (n: string, digits: number): number => Number(n.slice(0, digits));
const between = (n: string, digits: number, lo: number, hi: number): boolean => {
  const p = prefix(n, digits);
  return p >= lo && p <= hi;
};

// Order matters: Mir (2200-2204) before Mastercard's 2-series (2221-2720).
const RULES: readonly BrandRule[] = [
  { brand: 'mir', matches: (n) => between(n, 4, 2200, 2204), lengths: [16, 17, 18, 19] },
  { brand: 'visa', matches: (n) => n.startsWith('4'), lengths: [13, 16, 19] },
  { brand: 'mastercard', matches: (n) => between(n, 2, 51, 55) || between(n, 4, 2221, 2720), lengths: [16] },
  { brand: 'amex', matches: (n) => n.startsWith('34') || n.startsWith('37'), lengths: [15] },
  { brand: 'unionpay', matches: (n) => n.startsWith('62'), lengths: [16, 17, 18, 19] },
  { brand: 'jcb', matches: (n) => between(n, 4, 3528, 3589), lengths: [16, 17, 18, 19] },
  { brand: 'maestro', matches: (n) => /^(5018|5020|5038|6304|6759|676[1-3])/.test(n), lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
];

export function detectBrand(number: string): CardBrand {
  return RULES.find((r) => r.matches(number))?.brand ?? 'unknown';
}

export function isValidLengthForBrand(number: string, brand: CardBrand): boolean {
  const rule = RULES.find((r) => r.brand === brand);
  return rule === undefined ? number.length >= 12 && number.length <= 19 : rule.lengths.includes(number.length);
}
