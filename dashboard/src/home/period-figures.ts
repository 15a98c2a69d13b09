import { PaymentStatus } from '@tender/core';

/** The bank said yes (whatever happened after). */
export const APPROVED: readonly PaymentStatus[] = ['authorized', 'captured', 'partially_refunded', 'refunded'];
/** The bank, or the way to it, said no. */
export const DECLINED: readonly PaymentStatus[] = ['declined', 'failed'];

/** Figures of one currency in one period. Amounts in minor units. */
export interface CurrencyFigures {
  readonly currency: string;
  /** Sum of the amounts of approved payments. */
  readonly volume: number;
  /** Payments created in the period, whatever their status. */
  readonly count: number;
  readonly approved: number;
  readonly declined: number;
}

export interface PeriodFigures {
  readonly from: number;
  readonly to: number;
  readonly currencies: readonly CurrencyFigures[];
  readonly count: number;
  /** approved / (approved + declined), in basis points (0..10000); undefined without any decided payment. */
  readonly approvalBasisPoints: number | undefined;
}

/** Payments of one day, currency and status: what the aggregate queries return, bounded by days × currencies × statuses. */
export interface StatusBucket {
  /** Start of the UTC day, epoch ms. */
  readonly day: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly n: number;
  /** Sum of the amounts, minor units. */
  readonly total: number;
}

/**
 * Adds up the buckets whose day lies in [from, to): per currency (busiest first) and
 * in all, with the approval rate in basis points. Integer arithmetic only.
 *
 * @example
 * ```ts
 * const today = periodFigures(buckets, todayStart, todayStart + 86_400_000);
 * today.approvalBasisPoints; // 9250 = 92.50 %
 * ```
 */
export function periodFigures(buckets: readonly StatusBucket[], from: number, to: number): PeriodFigures {
  const inside = buckets.filter((b) => b.day >= from && b.day < to);
  const byCurrency = new Map<string, { volume: number; count: number; approved: number; declined: number }>();
  for (const b of inside) {
    const c = byCurrency.get(b.currency) ?? { volume: 0, count: 0, approved: 0, declined: 0 };
    c.count += b.n;
    if (APPROVED.includes(b.status)) {
      c.approved += b.n;
      c.volume += b.total;
    }
    if (DECLINED.includes(b.status)) c.declined += b.n;
    byCurrency.set(b.currency, c);
  }
  const currencies = [...byCurrency.entries()]
    .map(([currency, c]) => ({ currency, ...c }))
    .sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency));
  const approved = sum(currencies.map((c) => c.approved));
  const decided = approved + sum(currencies.map((c) => c.declined));
  return {
    from,
    to,
    currencies,
    count: sum(currencies.map((c) => c.count)),
    approvalBasisPoints: decided === 0 ? undefined : Math.round((approved * 10_000) / decided),
  };
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
