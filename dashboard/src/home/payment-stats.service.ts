import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { CLOCK, Clock, DATABASE, Database, PaymentStatus, isMysql } from '@tender/core';
import { APPROVED, DECLINED, PeriodFigures, periodFigures, sum } from './period-figures';

export { CurrencyFigures, PeriodFigures } from './period-figures';

export const DAY_MS = 86_400_000;
/** How many days the charts cover, today included. */
export const CHART_DAYS = 30;

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

    const day = dayNumber(this.db);
    const rows = (await this.db('payments')
      .where({ merchant_id: merchantId, livemode })
      .where('created_at', '>=', from)
      .where('created_at', '<', tomorrow)
      .select({ day, currency: 'currency', status: 'status' })
      .count({ n: '*' })
      .sum({ total: 'amount' })
      .groupByRaw('1, 2, 3')) as BucketRow[];
    const buckets = rows.map((r) => ({
      day: Number(r.day) * DAY_MS,
      currency: r.currency,
      status: r.status as PaymentStatus,
      n: Number(r.n),
      total: Number(r.total ?? 0),
    }));

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
      daily.push({
        day: t,
        volume,
        approved: sum(inDay.filter((x) => APPROVED.includes(x.status)).map((x) => x.n)),
        declined: sum(inDay.filter((x) => DECLINED.includes(x.status)).map((x) => x.n)),
      });
    }
    return {
      today: periodFigures(buckets, todayStart, tomorrow),
      month: periodFigures(buckets, monthStart, tomorrow),
      daily,
      topDeclines: declines.map((r) => ({ code: r.failure_code ?? 'other', count: Number(r.n) })),
    };
  }
}

/** The UTC day number of `created_at` (days since the epoch), in the database's own dialect. */
export function dayNumber(db: Database): Knex.Raw {
  return isMysql(db) ? db.raw('FLOOR(created_at / ?)', [DAY_MS]) : db.raw('CAST(created_at / ? AS INTEGER)', [DAY_MS]);
}
