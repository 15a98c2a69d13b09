import { findCurrency } from '@tender/core';
import { z } from 'zod';
import { StarterOptions } from '../options';

/**
 * What issuing a voucher takes, `{ amount, currency }` in integer minor units, within
 * the operator's options. One schema for the API and the dashboard form.
 *
 * @example
 * ```ts
 * parseInput(issueSchema(ctx.options), { amount: 5000, currency: 'RUB' });
 * ```
 */
export function issueSchema(options: StarterOptions) {
  return z
    .object({
      amount: z.number().int().positive().max(options.maxVoucherAmount, `must be at most ${options.maxVoucherAmount} (maxVoucherAmount)`),
      currency: z.string().refine((c) => options.currencies.includes(c), `must be one of ${options.currencies.join(', ')}`),
    })
    .strict();
}

export type IssueInput = z.output<ReturnType<typeof issueSchema>>;

/**
 * An amount typed in major units (`50`, `50.5`, `50.00`) as integer minor units of
 * `currency`, by string arithmetic (no floating point); undefined when it is not one.
 *
 * @example
 * ```ts
 * minorUnitsOf('50.5', 'RUB'); // 5050
 * ```
 */
export function minorUnitsOf(typed: string, currency: string): number | undefined {
  const exponent = findCurrency(currency)?.exponent;
  if (exponent === undefined) return undefined;
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(typed.trim());
  if (match === null) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return undefined;
  return Number(`${match[1]}${fraction.padEnd(exponent, '0')}`);
}
