import { MAX_AMOUNT, findCurrency } from '@tender/core';

/**
 * OrderAmount <-> minor units, exact for every currency exponent (0, 2, 3): the
 * decimal string is split at the '.', never parsed as a float. More decimals than the
 * currency has are refused rather than rounded.
 *
 * @example
 * ```ts
 * parseAssistAmount('1500.5', 'RUB'); // 150050
 * formatAssistAmount(1500, 'KWD');    // '1.500'
 * ```
 */
export function parseAssistAmount(text: string, currency: string): number | undefined {
  const exponent = findCurrency(currency)?.exponent;
  if (exponent === undefined) return undefined;
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (match === null) return undefined;
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return undefined;
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  return Number.isSafeInteger(minor) && minor > 0 && minor <= MAX_AMOUNT ? minor : undefined;
}

export function formatAssistAmount(minor: number, currency: string): string {
  const exponent = findCurrency(currency)?.exponent ?? 2;
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
