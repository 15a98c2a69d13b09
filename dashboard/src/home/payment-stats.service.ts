import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock, DATABASE, Database, PaymentStatus, isMysql } from '@tender/core';

const DAY_MS = 86_400_000;
/** How many days the charts cover, today included. */
export const CHART_DAYS = 30;

/** The bank said yes (whatever happened after). */
const APPROVED: readonly PaymentStatus[] = ['authorized', 'captured', 'partially_refunded', 'refunded'];
/** The bank, or the way to it, said no. */
const DECLINED: readonly PaymentStatus[] = ['declined', 'failed'];

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

export interface DailyPoint {
  /** Start of the UTC day, epoch ms. */
  readonly day: number;
  /** Approved volume per currency, minor units. */
  readonly volume: Readonly<Record<string, number>>;
  readonly approved: number;
  readonly declined: number;
}

export interface HomeFigures {
  readonly today: PeriodFigures;
  readonly month: PeriodFigures;
  readonly daily: readonly DailyPoint[];
  readonly topDeclines: ReadonlyArray<{ readonly code: string; readonly count: number }>;
}

interface BucketRow {
  day: number | string;
  currency: string;
  status: string;
  n: number | string;
  total: number | string | null;
}

/**
 * The dashboard home's figures for one merchant and mode: today and this month (UTC),
 * a point per day for the last 30 days, and the month's most frequent decline codes.
 * Two aggregate queries over a created_at range on the (merchant_id, livemode,
 * created_at) index; what comes back is bounded by days × currencies × statuses, never
 * by the number of payments.
 *
 * @example
 * ```ts
 * const figures = await stats.home('mer_1', false);
 * figures.today.approvalBasisPoints; // 9250 = 92.50 %
 * ```
 */
@injectable()
export class PaymentStatsService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async home(merchantId: string, livemode: boolean): Promise<HomeFigures> {
    const now = this.clock.now();
    const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const tomorrow = todayStart + DAY_MS;
    const d = new Date(now);
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const chartStart = todayStart - (CHART_DAYS - 1) * DAY_MS;
    const from = Math.min(monthStart, chartStart);

    const day = isMysql(this.db) ? this.db.raw('FLOOR(created_at / ?)', [DAY_MS]) : this.db.raw('CAST(created_at / ? AS INTEGER)', [DAY_MS]);
    const rows = (await this.db('payments')
      .where({ merchant_id: merchantId, livemode })
      .where('created_at', '>=', from)
      .where('created_at', '<', tomorrow)
      .select({ day, currency: 'currency', status: 'status' })
      .count({ n: '*' })
      .sum({ total: 'amount' })
      .groupByRaw('1, 2, 3')) as BucketRow[];
    const buckets = rows.map((r) => ({ day: Number(r.day) * DAY_MS, currency: r.currency, status: r.status as PaymentStatus, n: Number(r.n), total: Number(r.total ?? 0) }));

    const declines = (await this.db('payments')
      .where({ merchant_id: merchantId, livemode })
      .where('created_at', '>=', monthStart)
      .where('created_at', '<', tomorrow)
      .whereIn('status', DECLINED)
      .select('failure_code')
      .count({ n: '*' })
      .groupBy('failure_code')
      .orderBy([{ column: 'n', order: 'desc' }, { column: 'failure_code' }])
      .limit(5)) as Array<{ failure_code: string | null; n: number | string }>;

    const daily: DailyPoint[] = [];
    for (let t = chartStart; t < tomorrow; t += DAY_MS) {
      const inDay = buckets.filter((b) => b.day === t);
      const volume: Record<string, number> = {};
      for (const b of inDay.filter((x) => APPROVED.includes(x.status))) volume[b.currency] = (volume[b.currency] ?? 0) + b.total;
      daily.push({ day: t, volume, approved: sum(inDay.filter((x) => APPROVED.includes(x.status)).map((x) => x.n)), declined: sum(inDay.filter((x) => DECLINED.includes(x.status)).map((x) => x.n)) });
    }
    return {
      today: period(buckets, todayStart, tomorrow),
      month: period(buckets, monthStart, tomorrow),
      daily,
      topDeclines: declines.map((r) => ({ code: r.failure_code ?? 'other', count: Number(r.n) })),
    };
  }
}

function period(buckets: ReadonlyArray<{ day: number; currency: string; status: PaymentStatus; n: number; total: number }>, from: number, to: number): PeriodFigures {
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
  const currencies = [...byCurrency.entries()].map(([currency, c]) => ({ currency, ...c })).sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency));
  const approved = sum(currencies.map((c) => c.approved));
  const decided = approved + sum(currencies.map((c) => c.declined));
  return { from, to, currencies, count: sum(currencies.map((c) => c.count)), approvalBasisPoints: decided === 0 ? undefined : Math.round((approved * 10_000) / decided) };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
