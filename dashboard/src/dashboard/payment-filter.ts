import { z } from 'zod';
import { CURRENCIES, PAYMENT_STATUSES, PaymentMethod, PaymentStatus } from '@tender/core';
import { DECIMAL_PATTERN } from './decimal-amount';

/** How a payment was paid, as the dashboard filters it: any card, one card brand, or a personal account. */
export const PAYMENT_METHOD_FILTERS = ['card', 'visa', 'mastercard', 'mir', 'account'] as const;
export type PaymentMethodFilter = (typeof PAYMENT_METHOD_FILTERS)[number];

/** The filters that are payment method types (`payments.method_type`); the others are card brands. */
const METHOD_TYPES: ReadonlySet<PaymentMethodFilter> = new Set<PaymentMethodFilter>(['card', 'account']);

export function isMethodType(method: PaymentMethodFilter): boolean {
  return METHOD_TYPES.has(method);
}

/** The bank capability a payment method declares when it pays with a card (core's `card`, `card_token`, saved cards...). */
const CARD_CAPABILITY = 'card_authorization';

/**
 * The `payments.method_type` values a method filter matches, from the registered
 * payment methods: "any card" is every method that declares itself card-based (its
 * bank capability is `card_authorization`: a typed card, an embedded-fields token, a
 * saved card, and any plugin's card method), so no list here has to follow the
 * plugins; `account` is that method type alone. A card brand is no method type
 * (undefined: it filters `card_brand`).
 *
 * @example
 * ```ts
 * methodTypesOf('card', registry.all()); // ['card', 'card_token', 'saved_card'] with the saved-cards plugin
 * methodTypesOf('visa', registry.all()); // undefined
 * ```
 */
export function methodTypesOf(method: PaymentMethodFilter, methods: readonly Pick<PaymentMethod, 'type' | 'capability'>[]): readonly string[] | undefined {
  if (!isMethodType(method)) return undefined;
  if (method !== 'card') return [method];
  const types = methods.filter((m) => m.capability === CARD_CAPABILITY).map((m) => m.type);
  // Core registers `card` itself; it stays matched even in a registry built without it (a test's).
  return types.includes('card') ? types : ['card', ...types];
}

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => Number.isFinite(Date.parse(`${d}T00:00:00Z`)), 'must be a real date');
const decimal = z.string().regex(DECIMAL_PATTERN, 'must be an amount like 1500.00');

/**
 * The query string of the payments table and of its CSV export: one schema, so the
 * export is exactly the table's rows for the same link. Empty fields (a form's blank
 * inputs) count as absent.
 *
 * @example
 * ```ts
 * parsePaymentFilter({ q: '4242', status: 'captured', from: '2026-11-01', amount_min: '100' });
 * ```
 */
export const paymentFilterSchema = z
  .object({
    q: optional(z.string().max(320)),
    status: optional(z.enum(PAYMENT_STATUSES)),
    from: optional(day),
    to: optional(day),
    amount_min: optional(decimal),
    amount_max: optional(decimal),
    currency: optional(
      z
        .string()
        .transform((c) => c.toUpperCase())
        .refine((c) => Object.prototype.hasOwnProperty.call(CURRENCIES, c), 'is not a supported currency'),
    ),
    method: optional(z.enum(PAYMENT_METHOD_FILTERS)),
    cursor: optional(z.string().regex(/^\d{1,15}\.\d{1,19}$/, 'is not a cursor from this table')),
  })
  .strip();

export type PaymentFilterInput = z.output<typeof paymentFilterSchema>;

/** What a search box entry looks for; see `searchOf`. */
export type PaymentSearchTerm =
  | { readonly kind: 'payment_id'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'last4_or_order'; readonly value: string }
  | { readonly kind: 'order_id'; readonly value: string };

/** The filter as the search service applies it. Times are epoch ms, amounts decimal strings (per-currency minor units are worked out in SQL). */
export interface PaymentFilter {
  readonly search: PaymentSearchTerm | undefined;
  readonly status: PaymentStatus | undefined;
  readonly createdFrom: number | undefined;
  /** Exclusive. */
  readonly createdBefore: number | undefined;
  readonly amountMin: string | undefined;
  readonly amountMax: string | undefined;
  readonly currency: string | undefined;
  readonly method: PaymentMethodFilter | undefined;
}

/** Keyset position: the last row of the previous page, newest first. */
export interface PaymentCursor {
  readonly createdAt: number;
  readonly seq: number;
}

/**
 * One box for four searches: a payment id (pay_...), a buyer's e-mail (has '@'),
 * four digits (the card's last 4, or an order id that happens to be four digits), and
 * anything else as an order id. Each is an exact match on an indexed column.
 */
export function searchOf(q: string | undefined): PaymentSearchTerm | undefined {
  if (q === undefined || q === '') return undefined;
  if (/^pay_[0-9A-Za-z]{1,40}$/.test(q)) return { kind: 'payment_id', value: q };
  if (q.includes('@')) return { kind: 'email', value: q };
  if (/^\d{4}$/.test(q)) return { kind: 'last4_or_order', value: q };
  return { kind: 'order_id', value: q };
}

const DAY_MS = 86_400_000;

export function filterOf(input: PaymentFilterInput): PaymentFilter {
  return {
    search: searchOf(input.q),
    status: input.status,
    createdFrom: input.from === undefined ? undefined : Date.parse(`${input.from}T00:00:00Z`),
    createdBefore: input.to === undefined ? undefined : Date.parse(`${input.to}T00:00:00Z`) + DAY_MS,
    amountMin: input.amount_min?.replace(',', '.'),
    amountMax: input.amount_max?.replace(',', '.'),
    currency: input.currency,
    method: input.method,
  };
}

export function cursorOf(input: PaymentFilterInput): PaymentCursor | undefined {
  if (input.cursor === undefined) return undefined;
  const [createdAt, seq] = input.cursor.split('.');
  return { createdAt: Number(createdAt), seq: Number(seq) };
}

export function encodeCursor(cursor: PaymentCursor): string {
  return `${cursor.createdAt}.${cursor.seq}`;
}

/** The filter's fields as a query string (no cursor), for links and the CSV button. */
export function filterQuery(input: PaymentFilterInput): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'status', 'from', 'to', 'amount_min', 'amount_max', 'currency', 'method'] as const) {
    const value = input[key];
    if (value !== undefined) params.set(key, value);
  }
  return params.toString();
}
