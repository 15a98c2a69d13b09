import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, Queryable, isMysql } from '../../db/database';
import { inTransaction } from '../../db/transaction';

/** A delivery a dispatcher holds a lease on; `attempt` is its claim token. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly attempt: number;
  readonly firstAttemptAt: number;
}

/**
 * The `webhook_deliveries` queue. Claiming sets a lease (`locked_until`) in a short
 * transaction; the HTTP request happens outside any transaction; the outcome is
 * written only if the lease is still ours (same attempt number). A process that
 * dies after sending leaves the lease to run out, and the delivery is sent again:
 * at least once, never lost.
 *
 * Order per endpoint: a delivery is not claimed while an earlier delivery to the
 * same endpoint is still pending, unless that earlier one has been failing for
 * longer than the ordering hold.
 *
 * On MySQL/MariaDB the claim is `SELECT ... FOR UPDATE SKIP LOCKED`, so several
 * dispatchers take disjoint rows; SQLite runs one transaction at a time anyway.
 *
 * @example
 * ```ts
 * const batch = await queue.claim({ now, limit: 20, leaseMs: 40_000, orderHoldMs: 3600_000 });
 * ```
 */
@injectable()
export class WebhookDeliveryQueue {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  async claim(options: { now: number; limit: number; leaseMs: number; orderHoldMs: number }): Promise<ClaimedDelivery[]> {
    const { now } = options;
    return inTransaction(this.db, async (trx) => {
      let query = trx('webhook_deliveries as d')
        .select('d.id', 'd.endpoint_id', 'd.event_id', 'd.merchant_id', 'd.livemode', 'd.attempt_count', 'd.first_attempt_at')
        .where('d.status', 'pending')
        .andWhere('d.next_attempt_at', '<=', now)
        .andWhere((w) => w.whereNull('d.locked_until').orWhere('d.locked_until', '<=', now))
        .whereNotExists(function earlierPending() {
          this.select(trx.raw('1'))
            .from('webhook_deliveries as e')
            .whereRaw('e.endpoint_id = d.endpoint_id')
            .andWhere('e.status', 'pending')
            .andWhereRaw('e.seq < d.seq')
            .andWhere((w) => w.whereNull('e.first_attempt_at').orWhere('e.first_attempt_at', '>', now - options.orderHoldMs));
        })
        .orderBy('d.seq', 'asc')
        .limit(options.limit);
      if (isMysql(trx)) query = query.forUpdate().skipLocked();
      const rows: Array<Record<string, unknown>> = await query;
      const claimed: ClaimedDelivery[] = [];
      for (const row of rows) {
        const attempt = Number(row.attempt_count) + 1;
        const firstAttemptAt = row.first_attempt_at === null ? now : Number(row.first_attempt_at);
        await trx('webhook_deliveries')
          .where({ id: row.id, attempt_count: attempt - 1 })
          .update({ attempt_count: attempt, locked_until: now + options.leaseMs, first_attempt_at: firstAttemptAt, updated_at: now });
        claimed.push({
          id: String(row.id),
          endpointId: String(row.endpoint_id),
          eventId: String(row.event_id),
          merchantId: String(row.merchant_id),
          livemode: Boolean(row.livemode),
          attempt,
          firstAttemptAt,
        });
      }
      return claimed;
    });
  }

  /** Writes the attempt to the log and the delivery's next state, if the lease is still ours. */
  async settle(
    trx: Queryable,
    delivery: ClaimedDelivery,
    attempt: { startedAt: number; statusCode: number | null; latencyMs: number; excerpt: string | null; error: string | null },
    next: { status: 'delivered' | 'failed' | 'canceled' } | { status: 'pending'; nextAttemptAt: number },
    now: number,
  ): Promise<boolean> {
    await trx('webhook_attempts').insert({
      delivery_id: delivery.id,
      attempt: delivery.attempt,
      started_at: attempt.startedAt,
      status_code: attempt.statusCode,
      latency_ms: attempt.latencyMs,
      response_excerpt: attempt.excerpt,
      error: attempt.error === null ? null : attempt.error.slice(0, 300),
    });
    const patch =
      next.status === 'pending'
        ? { next_attempt_at: next.nextAttemptAt, locked_until: null, updated_at: now }
        : { status: next.status, locked_until: null, updated_at: now, ...(next.status === 'delivered' ? { delivered_at: now } : {}) };
    const changed = await trx('webhook_deliveries').where({ id: delivery.id, attempt_count: delivery.attempt, status: 'pending' }).update(patch);
    return changed === 1;
  }
}
