import { BenchDatabase } from './bench-database';
import { percentile } from './load/percentile';
import { RunObserver } from './scenarios/payment-run';
import { WebhookFigures } from './scenarios/scenario';
import { BenchWebhookReceiver } from './webhook-receiver';

const SAMPLE_EVERY_MS = 5000;

/**
 * Watches webhook delivery through one load run: samples the backlog (pending
 * deliveries and events not yet fanned out) every 5 s, and when the load stops waits up
 * to `drainMaxMs` for the backlog to empty, then works out the lag of every event
 * of the measured window from the receiver's notes.
 *
 * @example
 * ```ts
 * const spec = { ..., observe: (db) => new WebhookDeliveryWatch(db, receiver, { warmupMs: 10_000, drainMaxMs: 120_000, endpoints: 8 }) };
 * ```
 */
export class WebhookDeliveryWatch implements RunObserver {
  private readonly startedAt = Date.now();
  private readonly samples: Array<{ s: number; pending: number }> = [];
  private readonly timer: NodeJS.Timeout;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: BenchDatabase,
    private readonly receiver: BenchWebhookReceiver,
    private readonly options: { readonly warmupMs: number; readonly drainMaxMs: number; readonly endpoints: number; readonly log: (line: string) => void },
  ) {
    this.timer = setInterval(() => {
      this.sampling = this.sample().catch(() => undefined);
    }, SAMPLE_EVERY_MS);
  }

  /**
   * The backlog: pending deliveries, and events the dispatcher has not yet fanned out (it leaves those beyond a
   * claim's room waiting as events rather than as due deliveries). Each is one `COUNT(*)` on its claim index.
   */
  private async pending(): Promise<number> {
    const deliveries = await this.db.query<{ n: number }[]>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'");
    const events = await this.db.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM events WHERE fanout = 0');
    return Number(deliveries[0]?.n ?? 0) + Number(events[0]?.n ?? 0);
  }

  private async sample(): Promise<void> {
    const pending = await this.pending();
    this.samples.push({ s: Math.round((Date.now() - this.startedAt) / 1000), pending });
  }

  async finish(): Promise<{ webhooks: WebhookFigures }> {
    clearInterval(this.timer);
    await this.sampling;
    const loadEnd = Date.now();
    const measureStart = this.startedAt + this.options.warmupMs;
    const backlogAtLoadEnd = await this.pending();
    this.samples.push({ s: Math.round((loadEnd - this.startedAt) / 1000), pending: backlogAtLoadEnd });
    this.options.log(`    webhook backlog at the end of the load: ${backlogAtLoadEnd}; waiting up to ${this.options.drainMaxMs / 1000} s for it to drain`);
    let drainS: number | null = null;
    while (Date.now() - loadEnd < this.options.drainMaxMs) {
      if ((await this.pending()) === 0) {
        drainS = (Date.now() - loadEnd) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    // Receipts answered just now may still be on their way to the database; the tally is the receiver's.
    const waitedUntil = Date.now();
    const events = await this.db.query<Array<{ id: string; created_at: number | string }>>(
      'SELECT id, created_at FROM events WHERE created_at >= ? AND created_at <= ?',
      [this.startedAt, loadEnd],
    );
    const tally = this.receiver.tally();
    const lags: number[] = [];
    let measuredEvents = 0;
    let byLoadEnd = 0;
    let undelivered = 0;
    for (const e of events) {
      const created = Number(e.created_at);
      const lag = tally.firstLagMs.get(e.id);
      if (lag === undefined) undelivered++;
      else if (created + lag <= loadEnd) byLoadEnd++;
      if (created < measureStart) continue;
      measuredEvents++;
      lags.push(lag ?? waitedUntil - created);
    }
    lags.sort((a, b) => a - b);
    const measuredS = Math.max(1, (loadEnd - measureStart) / 1000);
    const inWindow = this.samples.filter((x) => x.s * 1000 >= this.options.warmupMs);
    return {
      webhooks: {
        endpoints: this.options.endpoints,
        events: events.length,
        eventsPerS: measuredEvents / measuredS,
        backlog: this.samples,
        backlogAtLoadEnd,
        backlogMaxMeasured: Math.max(0, ...inWindow.map((x) => x.pending)),
        lagP50Ms: percentile(lags, 50),
        lagP99Ms: percentile(lags, 99),
        lagMaxMs: lags[lags.length - 1] ?? 0,
        deliveredByLoadEnd: events.length === 0 ? 1 : byLoadEnd / events.length,
        drainS,
        undelivered,
        duplicates: tally.duplicates,
        concurrentDuplicates: tally.concurrentDuplicates,
      },
    };
  }
}
