/**
 * The Luhn check: from the right, double every second digit, subtract 9 from
 * results over 9; the sum must be divisible by 10.
 *
 * @example
 * ```ts
 * passesLuhn('4242424242424242'); // true
 * ```
 */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
