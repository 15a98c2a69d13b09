import { MerchantContext, ScreenViewer, TenderError } from '@tender/core';

/** Ids the screens accept in a query or a form: the prefix and the characters ids are made of. */
const ID = /^[a-z]{2,4}_[A-Za-z0-9]{1,60}$/;

/**
 * The merchant and mode the dashboard shows; a viewer without a merchant (never in
 * the dashboard area, but the type allows it) is refused rather than guessed.
 */
export function scopeOf(viewer: ScreenViewer): MerchantContext {
  if (viewer.merchantId === undefined) throw new TenderError('resource_not_found', { message: 'Saved cards belong to a merchant.' });
  return { merchantId: viewer.merchantId, livemode: viewer.mode === 'live' };
}

/** The id of `prefix` in a query or form field, or undefined when it is missing or not an id of that kind. */
export function idOf(value: string | undefined, prefix: 'cus' | 'pm' | 'sch'): string | undefined {
  if (value === undefined || !ID.test(value) || !value.startsWith(`${prefix}_`)) return undefined;
  return value;
}

/** An ISO time as the screens show it: `2027-01-31 09:05 UTC`; empty for null. */
export function shownTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A card's expiry as `MM/YYYY`, and whether it has passed (a card is valid through its expiry month). */
export function expiryOf(card: { readonly exp_month: number; readonly exp_year: number }, now: number): { readonly expiry: string; readonly expired: boolean } {
  const today = new Date(now);
  const expired = card.exp_year < today.getUTCFullYear() || (card.exp_year === today.getUTCFullYear() && card.exp_month < today.getUTCMonth() + 1);
  return { expiry: `${String(card.exp_month).padStart(2, '0')}/${card.exp_year}`, expired };
}

/** The query string of a list page's link, without empty values. */
export function linkWith(base: string, params: Readonly<Record<string, string | undefined>>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return entries.length === 0 ? base : `${base}?${new URLSearchParams(entries).toString()}`;
}

/** The service's answer, or `missing` when it says the object does not exist for this merchant and mode (its 404). */
export async function orMissing<T, M>(work: Promise<T>, missing: M): Promise<T | M> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof TenderError && error.code === 'resource_not_found') return missing;
    throw error;
  }
}
