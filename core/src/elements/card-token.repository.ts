import { injectable } from 'tsyringe';
import { Queryable } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';
import { CardBrand } from '../methods/card/card-brand';

/**
 * A card token as stored: what a payment may show of the card, never the PAN or CVC.
 *
 * @example
 * ```ts
 * const token = await repository.find(db, { merchantId, livemode: false }, 'tok_...');
 * token?.usedAt; // null until a confirm spends it
 * ```
 */
export interface CardToken {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly vaultId: string;
  readonly fingerprint: string;
  readonly brand: CardBrand;
  readonly bin: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly origin: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
  readonly paymentId: string | null;
}

/**
 * The token as the API shows it (`POST /v1/tokens`).
 *
 * @example
 * ```ts
 * res.status(201).json(cardTokenView(token)); // { id: 'tok_...', object: 'token', card: { brand: 'visa', last4: '4242', ... } }
 * ```
 */
export interface CardTokenView {
  id: string;
  object: 'token';
  livemode: boolean;
  card: { brand: string; bin: string; last4: string; exp_month: number; exp_year: number };
  created_at: string;
  expires_at: string;
  used: boolean;
}

export function cardTokenView(t: CardToken): CardTokenView {
  return {
    id: t.id,
    object: 'token',
    livemode: t.livemode,
    card: { brand: t.brand, bin: t.bin, last4: t.last4, exp_month: t.expMonth, exp_year: t.expYear },
    created_at: new Date(t.createdAt).toISOString(),
    expires_at: new Date(t.expiresAt).toISOString(),
    used: t.usedAt !== null,
  };
}

/** `card_tokens` rows; every read is scoped by merchant and mode. */
@injectable()
export class CardTokenRepository {
  async insert(q: Queryable, t: CardToken): Promise<void> {
    await q('card_tokens').insert({
      id: t.id,
      merchant_id: t.merchantId,
      livemode: t.livemode,
      vault_id: t.vaultId,
      fingerprint: t.fingerprint,
      brand: t.brand,
      bin: t.bin,
      last4: t.last4,
      exp_month: t.expMonth,
      exp_year: t.expYear,
      origin: t.origin,
      created_at: t.createdAt,
      expires_at: t.expiresAt,
      used_at: null,
      payment_id: null,
    });
  }

  async find(q: Queryable, ctx: MerchantContext, id: string): Promise<CardToken | undefined> {
    const row = (await q('card_tokens').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first()) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : tokenFromRow(row);
  }

  /**
   * Spends the token for a payment: a conditional UPDATE that only an unused,
   * unexpired token passes, so of two confirms racing with one token exactly one
   * wins (the other's transaction sees 0 rows changed).
   */
  async spend(q: Queryable, ctx: MerchantContext, id: string, paymentId: string, now: number): Promise<boolean> {
    const changed = await q('card_tokens')
      .where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .whereNull('used_at')
      .where('expires_at', '>', now)
      .update({ used_at: now, payment_id: paymentId });
    return Number(changed) === 1;
  }
}

function tokenFromRow(row: Record<string, unknown>): CardToken {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    vaultId: String(row.vault_id),
    fingerprint: String(row.fingerprint),
    brand: String(row.brand) as CardBrand,
    bin: String(row.bin),
    last4: String(row.last4),
    expMonth: Number(row.exp_month),
    expYear: Number(row.exp_year),
    origin: row.origin === null || row.origin === undefined ? null : String(row.origin),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: num(row.used_at),
    paymentId: row.payment_id === null || row.payment_id === undefined ? null : String(row.payment_id),
  };
}
