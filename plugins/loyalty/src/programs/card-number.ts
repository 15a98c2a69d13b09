import { randomInt } from 'node:crypto';

/** The Luhn check digit of `digits`. */
function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * A new loyalty card number: 16 digits starting with 7 (not a payment card
 * range), 14 random digits, and a Luhn check digit that catches a mistyped digit.
 *
 * @example
 * ```ts
 * const number = newCardNumber(); // '7031...'
 * isCardNumber(number); // true
 * ```
 */
export function newCardNumber(): string {
  let body = '7';
  for (let i = 0; i < 14; i++) body += String(randomInt(10));
  return body + String(luhnDigit(body));
}

/** 16 digits (spaces allowed in what a buyer types) with a valid check digit. */
export function isCardNumber(value: string): boolean {
  return /^7\d{15}$/.test(value) && luhnDigit(value.slice(0, 15)) === Number(value[15]);
}

/** What a buyer typed, without spaces. */
export function normalisedCardNumber(value: string): string {
  return value.replace(/[\s-]/g, '');
}
