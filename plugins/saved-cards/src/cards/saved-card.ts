/** How a saved card may be used: only with the buyer present, or by the merchant too. */
export type CardUsage = 'on_session' | 'off_session';

/** A card saved for a customer (one row of `customer_payment_methods`). The PAN is in core's vault (`vaultId`). */
export interface SavedCard {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly customerId: string;
  /** Null once the card is deleted (its vault row with it). */
  readonly vaultId: string | null;
  readonly fingerprint: string;
  readonly brand: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly usage: CardUsage;
  /** The first payment's network reference, quoted on merchant-initiated payments. */
  readonly networkReference: string | null;
  readonly firstPaymentId: string | null;
  readonly status: 'active' | 'deleted';
  readonly createdAt: number;
  readonly deletedAt: number | null;
  readonly expiringNotifiedAt: number | null;
}

/** What the buyer agreed to, as the card's view shows it. */
export interface ConsentView {
  readonly source: 'hosted_page' | 'api';
  readonly text_version: string | null;
  readonly recorded_at: string;
  readonly ip: string | null;
}

/** The saved card in its API form: brand, last 4 and expiry only. */
export interface SavedCardView {
  readonly id: string;
  readonly object: 'payment_method';
  readonly type: 'card';
  readonly customer: string;
  readonly card: { readonly brand: string; readonly last4: string; readonly exp_month: number; readonly exp_year: number };
  readonly usage: CardUsage;
  readonly consent: ConsentView | null;
  readonly livemode: boolean;
  readonly created_at: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function savedCardFromRow(row: Record<string, unknown>): SavedCard {
  return {
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    customerId: String(row.customer_id),
    vaultId: text(row.vault_id),
    fingerprint: String(row.fingerprint),
    brand: String(row.brand),
    last4: String(row.last4),
    expMonth: Number(row.exp_month),
    expYear: Number(row.exp_year),
    usage: row.usage === 'off_session' ? 'off_session' : 'on_session',
    networkReference: text(row.network_reference),
    firstPaymentId: text(row.first_payment_id),
    status: row.status === 'active' ? 'active' : 'deleted',
    createdAt: Number(row.created_at),
    deletedAt: num(row.deleted_at),
    expiringNotifiedAt: num(row.expiring_notified_at),
  };
}

/**
 * @example
 * ```ts
 * savedCardView(card, consent); // { id: 'pm_...', object: 'payment_method', type: 'card', card: { brand: 'visa', last4: '4242', ... }, ... }
 * ```
 */
export function savedCardView(c: SavedCard, consent: ConsentView | null): SavedCardView {
  return {
    id: c.id,
    object: 'payment_method',
    type: 'card',
    customer: c.customerId,
    card: { brand: c.brand, last4: c.last4, exp_month: c.expMonth, exp_year: c.expYear },
    usage: c.usage,
    consent,
    livemode: c.livemode,
    created_at: new Date(c.createdAt).toISOString(),
  };
}

/**
 * Whether the card has expired at `now`: a card is valid through the last day of
 * its expiry month (UTC).
 */
export function isExpired(card: Pick<SavedCard, 'expMonth' | 'expYear'>, now: number): boolean {
  return now >= expiresAt(card);
}

/** The first moment after the card's validity (the first of the month after its expiry month, UTC). */
export function expiresAt(card: Pick<SavedCard, 'expMonth' | 'expYear'>): number {
  return Date.UTC(card.expYear, card.expMonth, 1);
}
