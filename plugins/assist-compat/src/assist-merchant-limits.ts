import { z } from 'zod';
import { findCurrency } from '@tender/core';

/** What an Assist merchant may be sent: its currencies and the hosts its buyers may be returned to. */
export interface AssistMerchantLimits {
  /** ISO 4217 codes, upper case. */
  readonly currencies: readonly string[];
  /** Lower-case host names; `*.example.com` allows every subdomain of example.com (not example.com itself). */
  readonly returnUrlHosts: readonly string[];
}

const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code')
  .transform((c) => c.toUpperCase())
  .refine((c) => findCurrency(c) !== undefined, 'is not a currency this instance supports');

/** A DNS host name (IDN in its xn-- form), optionally with a leading `*.`; no scheme, port or path. */
const hostPattern = z
  .string()
  .max(253)
  .transform((h) => h.toLowerCase())
  .refine(
    (h) => /^(\*\.)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(h) && !/^\*\.[^.]+$/.test(h),
    'must be a host name such as shop.example.com or *.example.com (no scheme, port or path; a wildcard needs at least two labels after it)',
  );

/**
 * The per-merchant limits as the settings API takes them: in PUT (omitted: kept, or
 * the defaults on the first PUT) and in PATCH.
 *
 * @example
 * ```ts
 * assistLimitsSchema.parse({ currencies: ['rub', 'USD'], return_url_hosts: ['shop.example.com', '*.example.org'] });
 * ```
 */
export const assistLimitsSchema = z
  .object({
    currencies: z
      .array(currencyCode)
      .min(1)
      .max(20)
      .refine((list) => new Set(list).size === list.length, 'must not repeat a currency')
      .optional(),
    return_url_hosts: z
      .array(hostPattern)
      .max(50)
      .refine((list) => new Set(list).size === list.length, 'must not repeat a host')
      .optional(),
  })
  .strict();

export type AssistLimitsInput = z.output<typeof assistLimitsSchema>;

/** A new Assist merchant: roubles only, no return URLs until the operator lists the shop's hosts. */
export const DEFAULT_LIMITS: Required<AssistLimitsInput> = { currencies: ['RUB'], return_url_hosts: [] };

/** The columns for what the input gives (nothing for what it omits). */
export function limitsRow(input: AssistLimitsInput): Record<string, string> {
  const row: Record<string, string> = {};
  if (input.currencies !== undefined) row.currencies = JSON.stringify(input.currencies);
  if (input.return_url_hosts !== undefined) row.return_url_hosts = JSON.stringify(input.return_url_hosts);
  return row;
}

export function currenciesOf(row: Record<string, unknown>): readonly string[] {
  return stringList(row.currencies);
}

export function hostsOf(row: Record<string, unknown>): readonly string[] {
  return stringList(row.return_url_hosts);
}

function stringList(value: unknown): readonly string[] {
  if (typeof value !== 'string') return [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
}

/** Whether the URL's host is on the merchant's list (exactly, or under a `*.` entry). */
export function returnHostAllowed(limits: AssistMerchantLimits, url: string): boolean {
  if (!URL.canParse(url)) return false;
  const host = new URL(url).hostname.toLowerCase();
  return limits.returnUrlHosts.some((allowed) =>
    allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1 : host === allowed,
  );
}
