import { toMinorUnits } from '@tender/core';

/** A loyalty program: the operator's (merchantId null, across merchants) or one merchant's. */
export interface LoyaltyProgram {
  readonly id: string;
  readonly merchantId: string | null;
  readonly livemode: boolean;
  readonly name: string;
  readonly currency: string;
  /** Minor units one point is worth when spent. */
  readonly pointValue: number;
  /** Points accrued on the captured amount, in basis points of its value (500 = 5 %). */
  readonly baseBps: number;
  /** The largest share of a payment points may pay, in basis points. */
  readonly maxRedeemBps: number;
  readonly expiryDays: number | null;
  readonly status: 'active' | 'paused';
}

export interface LoyaltyRule {
  readonly id: string;
  readonly kind: 'bonus' | 'fixed_discount';
  readonly merchantId: string | null;
  readonly category: string | null;
  readonly bps: number;
  readonly amount: number;
  readonly minAmount: number;
}

export interface LoyaltyTier {
  readonly name: string;
  readonly minPoints: number;
  readonly bonusBps: number;
}

export interface LoyaltyCard {
  readonly id: string;
  readonly programId: string;
  readonly accountId: string;
  readonly number: string;
  readonly cardFingerprint: string | null;
  readonly holder: string | null;
  readonly balance: number;
  readonly lifetimePoints: number;
}

export function programFromRow(row: Record<string, unknown>): LoyaltyProgram {
  return {
    id: String(row.id),
    merchantId: (row.merchant_id as string | null) ?? null,
    livemode: Boolean(row.livemode),
    name: String(row.name),
    currency: String(row.currency),
    pointValue: Number(row.point_value),
    baseBps: Number(row.base_bps),
    maxRedeemBps: Number(row.max_redeem_bps),
    expiryDays: row.expiry_days === null || row.expiry_days === undefined ? null : Number(row.expiry_days),
    status: row.status === 'paused' ? 'paused' : 'active',
  };
}

export function ruleFromRow(row: Record<string, unknown>): LoyaltyRule {
  return {
    id: String(row.id),
    kind: row.kind === 'fixed_discount' ? 'fixed_discount' : 'bonus',
    merchantId: (row.merchant_id as string | null) ?? null,
    category: (row.category as string | null) ?? null,
    bps: Number(row.bps),
    amount: toMinorUnits(row.amount),
    minAmount: toMinorUnits(row.min_amount),
  };
}

export function cardFromRow(row: Record<string, unknown>): LoyaltyCard {
  return {
    id: String(row.id),
    programId: String(row.program_id),
    accountId: String(row.account_id),
    number: String(row.number),
    cardFingerprint: (row.card_fingerprint as string | null) ?? null,
    holder: (row.holder as string | null) ?? null,
    balance: toMinorUnits(row.balance ?? 0),
    lifetimePoints: toMinorUnits(row.lifetime_points ?? 0),
  };
}

/** The program takes payments of this merchant, mode and currency. */
export function programAccepts(
  program: LoyaltyProgram,
  payment: { readonly merchantId: string; readonly livemode: boolean; readonly currency: string },
): boolean {
  return (
    program.status === 'active' &&
    program.livemode === payment.livemode &&
    program.currency === payment.currency &&
    (program.merchantId === null || program.merchantId === payment.merchantId)
  );
}
