import { LoyaltyProgram, LoyaltyRule, LoyaltyTier } from './program';

/**
 * Integer point arithmetic (BigInt for the products, so large amounts stay exact).
 *
 * @example
 * ```ts
 * accruedPoints(100000, 500, 100); // 5 % of 1 000.00 at 1.00 a point: 50
 * proportionalShare(50, 30000, 100000); // 15
 * ```
 */
export function accruedPoints(amount: number, bps: number, pointValue: number): number {
  return Number((BigInt(amount) * BigInt(bps)) / (10000n * BigInt(pointValue)));
}

/** floor(total × part / whole): cumulative shares of a whole sum exactly to `total` when `part` reaches `whole`. */
export function proportionalShare(total: number, part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Number((BigInt(total) * BigInt(Math.min(part, whole))) / BigInt(whole));
}

/** The accrual rate for a payment: the program's base, the best matching bonus rule, the member's tier bonus. */
export function accrualBps(
  program: LoyaltyProgram,
  rules: readonly LoyaltyRule[],
  tiers: readonly LoyaltyTier[],
  payment: { merchantId: string; category: string | undefined },
  lifetimePoints: number,
): number {
  const bonus = rules
    .filter(
      (r) => r.kind === 'bonus' && (r.merchantId === null || r.merchantId === payment.merchantId) && (r.category === null || r.category === payment.category),
    )
    .reduce((best, r) => Math.max(best, r.bps), 0);
  const tier = [...tiers].sort((a, b) => b.minPoints - a.minPoints).find((t) => lifetimePoints >= t.minPoints);
  return program.baseBps + bonus + (tier?.bonusBps ?? 0);
}

/** The best fixed discount a member gets on this payment (0 when none applies). */
export function fixedDiscount(rules: readonly LoyaltyRule[], payment: { merchantId: string; category: string | undefined; amount: number }): number {
  return rules
    .filter(
      (r) =>
        r.kind === 'fixed_discount' &&
        (r.merchantId === null || r.merchantId === payment.merchantId) &&
        (r.category === null || r.category === payment.category) &&
        payment.amount >= r.minAmount,
    )
    .reduce((best, r) => Math.max(best, r.amount), 0);
}

/** The most points a payment of `amount` may take, after `alreadyOff`, keeping at least one minor unit for the bank. */
export function maxRedeemablePoints(program: LoyaltyProgram, amount: number, alreadyOff: number): number {
  const cap = Math.min(Number((BigInt(amount) * BigInt(program.maxRedeemBps)) / 10000n), amount - alreadyOff - 1);
  return cap <= 0 ? 0 : Math.floor(cap / program.pointValue);
}

/** The tier a member with `lifetimePoints` is in, if any. */
export function tierOf(tiers: readonly LoyaltyTier[], lifetimePoints: number): LoyaltyTier | undefined {
  return [...tiers].sort((a, b) => b.minPoints - a.minPoints).find((t) => lifetimePoints >= t.minPoints);
}
