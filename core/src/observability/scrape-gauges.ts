import { Gauge } from 'prom-client';
import { Clock } from '../clock/clock';
import { Database } from '../db/database';
import { Logger } from '../logging/logger';
import { BreakerState, ConnectionHealth } from '../routing/connection-health';
import { TenderMetrics, labelValue } from './metrics';

/** What of a tarn pool (knex's) the pool gauges read. */
interface PoolCounts {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'half_open', 'open'];

/** What the gauges read; all of it is the gateway's own. */
export interface ScrapeSources {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly health: ConnectionHealth;
  /** TENDER_RECONCILE_AFTER_MS: a pending operation older than this is the reconciler's. */
  readonly reconcileAfterMs: number;
}

/**
 * Gauges read when Prometheus scrapes, not kept up to date as things happen: queue
 * depths and ages from the database (each an index range read on `(status, ...)`,
 * never a table scan), the knex pool and each connection's breaker. A database that
 * does not answer leaves the database gauges at their last values and sets
 * `tender_database_up` to 0; the scrape itself still answers.
 *
 * @example
 * ```ts
 * registerScrapeGauges(metrics, { db, clock, logger, health, reconcileAfterMs: 10_000 });
 * ```
 */
export function registerScrapeGauges(metrics: TenderMetrics, sources: ScrapeSources): void {
  const registers = [metrics.registry];
  const { db, clock, health } = sources;
  let snapshot: Promise<QueueSnapshot | undefined> | undefined;
  // The queue gauges share one read per scrape: the first gauge collected starts it, the others wait for it.
  const queues = (): Promise<QueueSnapshot | undefined> => {
    snapshot ??= readQueues(db, clock.now(), sources.reconcileAfterMs).then(
      (s) => s,
      (error: unknown) => {
        sources.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'metrics: database did not answer');
        return undefined;
      },
    );
    const current = snapshot;
    // Released once settled, so the next scrape reads afresh.
    void current.finally(() => {
      if (snapshot === current) snapshot = undefined;
    });
    return current;
  };

  new Gauge({
    name: 'tender_database_up',
    help: "1 when the database answered the scrape's queries, else 0.",
    registers,
    async collect() {
      this.set((await queues()) === undefined ? 0 : 1);
    },
  });
  // Each fills itself from the scrape's one read; a read that failed leaves them as they were.
  const fromQueues = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (gauge: Gauge<L>, s: QueueSnapshot) => void): void => {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const s = await queues();
        if (s !== undefined) fill(this, s);
      },
    });
  };
  fromQueues(
    'tender_outbox_backlog',
    'Pending webhook deliveries and e-mails (queue: webhooks, emails), due or waiting for a retry, and events the webhook dispatcher has not yet fanned out (queue: events).',
    ['queue'],
    (g, s) => {
      g.set({ queue: 'webhooks' }, s.webhooks.pending);
      g.set({ queue: 'emails' }, s.emails.pending);
      g.set({ queue: 'events' }, s.events.pending);
    },
  );
  fromQueues(
    'tender_outbox_oldest_due_seconds',
    'How long the most overdue pending webhook delivery or e-mail, or the oldest event not yet fanned out, has been due (0 when none is due).',
    ['queue'],
    (g, s) => {
      g.set({ queue: 'webhooks' }, s.webhooks.oldestDueSeconds);
      g.set({ queue: 'emails' }, s.emails.oldestDueSeconds);
      g.set({ queue: 'events' }, s.events.oldestDueSeconds);
    },
  );
  fromQueues('tender_bank_operations_pending', 'Bank operations waiting for an answer (sent, unanswered or not yet settled).', [], (g, s) =>
    g.set(s.bankOperations.pending),
  );
  fromQueues('tender_reconciler_backlog', 'Pending bank operations old enough for the reconciler (older than TENDER_RECONCILE_AFTER_MS).', [], (g, s) =>
    g.set(s.bankOperations.reconcilable),
  );
  fromQueues(
    'tender_reconciler_oldest_pending_seconds',
    'Age of the oldest pending bank operation since it was sent or last retried (0 when none).',
    [],
    (g, s) => g.set(s.bankOperations.oldestSeconds),
  );

  new Gauge({
    name: 'tender_db_pool_connections',
    help: 'The database pool of this process: connections used, free, and requests waiting for one (pending_acquires) or for a new connection (pending_creates).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const pool = poolOf(db);
      if (pool === undefined) return;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending_acquires' }, pool.numPendingAcquires());
      this.set({ state: 'pending_creates' }, pool.numPendingCreates());
    },
  });
  new Gauge({
    name: 'tender_db_pool_max',
    help: 'The most connections the pool of this process may hold (TENDER_DB_POOL_MAX; 1 on SQLite).',
    registers,
    collect() {
      const max = (db.client as { pool?: { max?: unknown } }).pool?.max;
      if (typeof max === 'number') this.set(max);
    },
  });

  new Gauge({
    name: 'tender_bank_breaker_state',
    help: "Each bank connection's circuit breaker as this process sees it: 1 for its current state (closed, half_open, open), 0 for the others.",
    labelNames: ['connection', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const id of health.known()) {
        const current = health.state(id);
        for (const state of BREAKER_STATES) this.set({ connection: labelValue(id), state }, state === current ? 1 : 0);
      }
    },
  });
}

interface QueueSnapshot {
  readonly webhooks: { pending: number; oldestDueSeconds: number };
  readonly emails: { pending: number; oldestDueSeconds: number };
  readonly events: { pending: number; oldestDueSeconds: number };
  readonly bankOperations: { pending: number; reconcilable: number; oldestSeconds: number };
}

async function readQueues(db: Database, now: number, reconcileAfterMs: number): Promise<QueueSnapshot> {
  const [webhooks, emails, events, bankOperations, reconcilable] = await Promise.all([
    dueQueue(db, 'webhook_deliveries', now),
    dueQueue(db, 'email_outbox', now),
    waitingEvents(db, now),
    db('bank_operations').where('status', 'pending').count({ n: '*' }).min({ oldest: 'updated_at' }).first(),
    db('bank_operations')
      .where('status', 'pending')
      .andWhere('updated_at', '<=', now - reconcileAfterMs)
      .count({ n: '*' })
      .first(),
  ]);
  const oldest = bankOperations?.oldest;
  return {
    webhooks,
    emails,
    events,
    bankOperations: {
      pending: Number(bankOperations?.n ?? 0),
      reconcilable: Number(reconcilable?.n ?? 0),
      oldestSeconds: oldest === null || oldest === undefined ? 0 : Math.max(0, (now - Number(oldest)) / 1000),
    },
  };
}

/** Pending rows, and how overdue the most overdue is (both read from the `(status, next_attempt_at)` index). */
async function dueQueue(db: Database, table: 'webhook_deliveries' | 'email_outbox', now: number): Promise<{ pending: number; oldestDueSeconds: number }> {
  const [all, due] = await Promise.all([
    db(table).where('status', 'pending').count({ n: '*' }).first(),
    db(table).where('status', 'pending').andWhere('next_attempt_at', '<=', now).min({ oldest: 'next_attempt_at' }).first(),
  ]);
  const oldest = due?.oldest;
  return {
    pending: Number(all?.n ?? 0),
    oldestDueSeconds: oldest === null || oldest === undefined ? 0 : Math.max(0, (now - Number(oldest)) / 1000),
  };
}

/**
 * Events written and not yet fanned out into webhook deliveries (`fanout = 0`), and the age of the oldest. The
 * dispatcher leaves those beyond a claim's room waiting here, and all of them when no dispatcher runs. Both reads
 * stay on the fan-out's `(fanout, seq)` index: a count of the range, and the first row of it (the oldest event is
 * the lowest seq), so a backlog of millions costs a scrape no table scan.
 */
async function waitingEvents(db: Database, now: number): Promise<{ pending: number; oldestDueSeconds: number }> {
  const [counted, first]: unknown[] = await Promise.all([
    db('events').where('fanout', 0).count({ n: '*' }).first(),
    db('events').select('created_at').where('fanout', 0).orderBy('seq', 'asc').first(),
  ]);
  const { n } = (counted ?? {}) as { n?: number | string };
  const oldest = (first as { created_at?: number | string } | undefined)?.created_at;
  return {
    pending: Number(n ?? 0),
    oldestDueSeconds: oldest === undefined ? 0 : Math.max(0, (now - Number(oldest)) / 1000),
  };
}

function poolOf(db: Database): PoolCounts | undefined {
  const pool = (db.client as { pool?: Partial<PoolCounts> }).pool;
  if (
    typeof pool?.numUsed !== 'function' ||
    typeof pool.numFree !== 'function' ||
    typeof pool.numPendingAcquires !== 'function' ||
    typeof pool.numPendingCreates !== 'function'
  )
    return undefined;
  return pool as PoolCounts;
}
