import { minorToDecimal, parseDecimalAmount } from '@tender/core';

/**
 * OrderAmount <-> minor units through core's one conversion (exact for every currency
 * exponent, never through a float). More decimals than the currency has are refused
 * rather than rounded.
 *
 * @example
 * ```ts
 * parseAssistAmount('1500.5', 'RUB'); // 150050
 * formatAssistAmount(1500, 'KWD');    // '1.500'
 * ```
 */
export function parseAssistAmount(text: string, currency: string): number | undefined {
  return parseDecimalAmount(text, currency);
}

export function formatAssistAmount(minor: number, currency: string): string {
  return minorToDecimal(minor, currency);
}
