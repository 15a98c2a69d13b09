import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock, DATABASE, Database, PaymentStatus } from '@tender/core';
import { DAY_MS, dayNumber } from '../home/payment-stats.service';
import { PeriodFigures, StatusBucket, periodFigures } from '../home/period-figures';
import { BankHealthRow, BankHealthSummary } from './bank-health.summary';
import { ApplicationsQueue, QueuedApplication } from './merchant-board';

/** Days the overview's "recent" figures cover, today included. */
export const OVERVIEW_DAYS = 7;
/** Merchant ids per payments query: the IN list stays small enough for every optimizer. */
const MERCHANT_CHUNK = 500;
/** Rows of each list the overview shows (the full lists are one click away). */
const LIST_LIMIT = 5;

/** An alert the operator has not looked at in the console's other screens. */
export interface OverviewBankAlert {
  readonly kind: string;
  readonly reference: string;
  readonly merchantId: string;
  readonly paymentId: string;
  readonly summary: string;
  readonly createdAt: number;
}

export interface ConsoleOverview {
  /** Live payments of every merchant, today (UTC) and over the last OVERVIEW_DAYS days. */
  readonly today: PeriodFigures;
  readonly recent: PeriodFigures;
  readonly banks: {
    readonly total: number;
    /** Banks with at least one connection whose breaker is not closed, worst first. */
    readonly troubled: readonly BankHealthRow[];
  };
  readonly applications: {
    readonly waiting: number;
    readonly overdue: number;
    /** The longest waits first. */
    readonly oldest: readonly QueuedApplication[];
  };
  readonly alerts: {
    readonly openReviews: number;
    /** The nearest review deadline (ms), when any review is open. */
    readonly nextReviewDeadline: number | undefined;
    /** Bank operator alerts raised over the last OVERVIEW_DAYS days. */
    readonly bankAlerts: number;
    readonly latestBankAlerts: readonly OverviewBankAlert[];
  };
}

/**
 * What the operator sees first in the console: live volume and approval rate across
 * merchants, the banks whose breakers are open, the merchants waiting on the operator
 * or a bank, and what needs a decision (open risk reviews, bank alerts). This is the one
 * place besides the other console screens that reads every tenant on purpose; it only
 * counts and sums, it never changes anything.
 *
 * The payment figures are aggregates over the `(merchant_id, livemode, created_at)`
 * index, one range per live merchant, so their cost follows the week's live payments and
 * the number of merchants, not the size of the payments table.
 *
 * @example
 * ```ts
 * const overview = await container.resolve(ConsoleOverviewService).overview();
 * overview.today.approvalBasisPoints; // 9250 = 92.50 % of today's decided live payments approved
 * overview.applications.overdue;      // merchants past the one-business-day promise
 * ```
 */
@injectable()
export class ConsoleOverviewService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(BankHealthSummary) private readonly bankHealth: BankHealthSummary,
    @inject(ApplicationsQueue) private readonly applications: ApplicationsQueue,
  ) {}

  async overview(): Promise<ConsoleOverview> {
    const now = this.clock.now();
    const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const tomorrow = todayStart + DAY_MS;
    const recentStart = todayStart - (OVERVIEW_DAYS - 1) * DAY_MS;
    const [buckets, banks, queue, reviews, bankAlerts] = await Promise.all([
      this.liveBuckets(recentStart, tomorrow),
      this.bankHealth.banks(),
      this.applications.list(now),
      this.openReviews(),
      this.recentBankAlerts(recentStart),
    ]);
    const troubled = banks.filter((b) => b.openBreakers > 0).sort((a, b) => b.openBreakers - a.openBreakers || b.errorPerMille - a.errorPerMille);
    const waiting = queue.filter((a) => a.stage !== 'applied');
    return {
      today: periodFigures(buckets, todayStart, tomorrow),
      recent: periodFigures(buckets, recentStart, tomorrow),
      banks: { total: banks.length, troubled },
      applications: { waiting: waiting.length, overdue: waiting.filter((a) => a.overdue).length, oldest: waiting.slice(0, LIST_LIMIT) },
      alerts: { ...reviews, ...bankAlerts },
    };
  }

  private async liveBuckets(from: number, to: number): Promise<StatusBucket[]> {
    // Only merchants that can have live payments: test-only merchants never do.
    const merchants = ((await this.db('merchants').whereNot('stage', 'applied').select('id')) as Array<{ id: string }>).map((m) => m.id);
    const buckets: StatusBucket[] = [];
    for (let i = 0; i < merchants.length; i += MERCHANT_CHUNK) {
      const rows = (await this.db('payments')
        .whereIn('merchant_id', merchants.slice(i, i + MERCHANT_CHUNK))
        .where('livemode', true)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .select({ day: dayNumber(this.db), currency: 'currency', status: 'status' })
        .count({ n: '*' })
        .sum({ total: 'amount' })
        .groupByRaw('1, 2, 3')) as Array<{ day: number | string; currency: string; status: string; n: number | string; total: number | string | null }>;
      for (const r of rows)
        buckets.push({ day: Number(r.day) * DAY_MS, currency: r.currency, status: r.status as PaymentStatus, n: Number(r.n), total: Number(r.total ?? 0) });
    }
    return buckets;
  }

  private async openReviews(): Promise<Pick<ConsoleOverview['alerts'], 'openReviews' | 'nextReviewDeadline'>> {
    const row = (await this.db('risk_reviews').where('status', 'open').count({ n: '*' }).min({ next: 'expires_at' }).first()) as
      { n: number | string; next: number | string | null } | undefined;
    const n = Number(row?.n ?? 0);
    return { openReviews: n, nextReviewDeadline: n === 0 || row?.next === null || row?.next === undefined ? undefined : Number(row.next) };
  }

  private async recentBankAlerts(since: number): Promise<Pick<ConsoleOverview['alerts'], 'bankAlerts' | 'latestBankAlerts'>> {
    const count = (await this.db('bank_operator_alerts').where('created_at', '>=', since).count({ n: '*' }).first()) as { n: number | string } | undefined;
    const latest = (await this.db('bank_operator_alerts')
      .where('created_at', '>=', since)
      .select('kind', 'reference', 'merchant_id', 'payment_id', 'summary', 'created_at')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(LIST_LIMIT)) as Array<Record<string, unknown>>;
    return {
      bankAlerts: Number(count?.n ?? 0),
      latestBankAlerts: latest.map((r) => ({
        kind: String(r.kind),
        reference: String(r.reference),
        merchantId: String(r.merchant_id),
        paymentId: String(r.payment_id),
        summary: String(r.summary),
        createdAt: Number(r.created_at),
      })),
    };
  }
}
