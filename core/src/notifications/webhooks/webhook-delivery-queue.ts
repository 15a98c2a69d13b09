import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, Queryable } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { FreshDelivery, WebhookFanout } from './webhook-fanout';

/** A delivery a dispatcher holds a lease on; `attempt` and `leaseToken` are its claim. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly attempt: number;
  readonly firstAttemptAt: number;
  readonly leaseToken: string;
}

/** One attempt as the delivery log records it. */
export interface AttemptRecord {
  readonly startedAt: number;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly excerpt: string | null;
  readonly error: string | null;
}

/** What a delivery becomes after an attempt. */
export type NextState = { readonly status: 'delivered' | 'failed' | 'canceled' } | { readonly status: 'pending'; readonly nextAttemptAt: number };

/** What one claim took: deliveries the fan-out made claimed (with their rows), and due ones claimed from the queue. */
export interface ClaimedBatch {
  readonly fresh: readonly FreshDelivery[];
  readonly due: readonly ClaimedDelivery[];
  /** Events were left waiting for want of room: claim again at once rather than after a poll interval. */
  readonly more: boolean;
}

/** One finished attempt of a claimed delivery, to be recorded. */
export interface DeliveryOutcome {
  readonly delivery: ClaimedDelivery;
  readonly attempt: AttemptRecord;
  readonly next: NextState;
}

/**
 * Candidates read per delivery wanted: dispatchers reading the same oldest due rows
 * each take a random share of a wider window, so they collide less.
 */
const CANDIDATE_SPREAD = 3;

/**
 * The `webhook_deliveries` queue. A delivery due now is `pending` with
 * `next_attempt_at <= now`; claiming it sets `next_attempt_at` (and `locked_until`)
 * to the end of a lease and writes a claim token, so while it is in flight it is out
 * of the due range, and when a dispatcher dies with it the lease end makes it due
 * again: at least once, never lost. The HTTP request happens outside any
 * transaction; the outcome is written only if the lease is still ours.
 *
 * Deliveries are made from new events first (WebhookFanout: exactly once per event,
 * in its own short transaction). The claim is then three short statements, none in a long transaction and none that
 * reads what it does not send:
 * 1. a non-locking read of up to `limit * 3` row numbers from the
 *    `(status, next_attempt_at)` index range (covering: no table row is read, no
 *    delivered or backed-off row is met);
 * 2. one conditional `UPDATE ... WHERE seq IN (a random `limit` of them) AND still
 *    pending AND still due`, which locks only those rows, by primary key, for the
 *    one statement; a row another dispatcher took first no longer matches;
 * 3. a read of the rows that carry this claim's token.
 * So several dispatchers on one MySQL/MariaDB database take disjoint rows without
 * `SELECT ... FOR UPDATE`, and on SQLite the same statements run one at a time.
 *
 * No order is kept between deliveries, even to one endpoint (docs/webhooks.md).
 *
 * @example
 * ```ts
 * const batch = await queue.claim({ now, limit: 32, leaseMs: 15_000 });
 * ```
 */
@injectable()
export class WebhookDeliveryQueue {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(WebhookFanout) private readonly fanout: WebhookFanout,
  ) {}

  /**
   * Fans out the events written since the last claim (WebhookFanout), then claims.
   * `orderHoldMs` is accepted and ignored: deliveries are no longer held back for order.
   */
  async claim(options: { now: number; limit: number; leaseMs: number; orderHoldMs?: number }): Promise<ClaimedDelivery[]> {
    await this.fanout.run(options.now);
    return this.claimDue(options.now, options.limit, options.leaseMs, newLeaseToken());
  }

  /**
   * The dispatcher's claim: fans out new events with up to `limit` of their
   * deliveries inserted claimed (WebhookFanout.runAndClaim), then claims due ones
   * from the queue for the room left. New events beyond the room wait for the next
   * claim (`more`) rather than becoming due rows, so at the payment rate nearly
   * every delivery is fresh and costs no claim statement of its own. Retries and
   * redeliveries get the room new events leave: while new events alone keep a
   * dispatcher full, they wait (it is then behind on new events too).
   */
  async claimBatch(options: { now: number; limit: number; leaseMs: number }): Promise<ClaimedBatch> {
    const { now, limit, leaseMs } = options;
    const leaseToken = newLeaseToken();
    const { claimed, more } = await this.fanout.runAndClaim(now, { limit, leaseMs, leaseToken });
    const due = claimed.length < limit ? await this.claimDue(now, limit - claimed.length, leaseMs, leaseToken) : [];
    return { fresh: claimed, due, more };
  }

  private async claimDue(now: number, limit: number, leaseMs: number, leaseToken: string): Promise<ClaimedDelivery[]> {
    const window: Array<{ seq: number | string }> = await this.db('webhook_deliveries')
      .select('seq')
      .where('status', 'pending')
      .andWhere('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at', 'asc')
      .limit(limit * CANDIDATE_SPREAD);
    if (window.length === 0) return [];
    const candidates = pickRandom(
      window.map((r) => Number(r.seq)),
      limit,
    );
    const leaseEnd = now + leaseMs;
    const taken = await inTransaction(this.db, (trx) =>
      trx('webhook_deliveries')
        .whereIn('seq', candidates)
        .andWhere('status', 'pending')
        .andWhere('next_attempt_at', '<=', now)
        .update({
          attempt_count: trx.raw('attempt_count + 1'),
          next_attempt_at: leaseEnd,
          locked_until: leaseEnd,
          lease_token: leaseToken,
          first_attempt_at: trx.raw('COALESCE(first_attempt_at, ?)', [now]),
          updated_at: now,
        }),
    );
    if (taken === 0) return [];
    const rows: Array<Record<string, unknown>> = await this.db('webhook_deliveries')
      .select('seq', 'id', 'endpoint_id', 'event_id', 'merchant_id', 'livemode', 'attempt_count', 'first_attempt_at')
      .whereIn('seq', candidates)
      .andWhere('lease_token', leaseToken);
    return rows.map((row) => ({
      id: String(row.id),
      endpointId: String(row.endpoint_id),
      eventId: String(row.event_id),
      merchantId: String(row.merchant_id),
      livemode: Boolean(row.livemode),
      attempt: Number(row.attempt_count),
      firstAttemptAt: Number(row.first_attempt_at),
      leaseToken,
    }));
  }

  /** Writes one attempt and the delivery's next state, if the lease is still ours. */
  async settle(trx: Queryable, delivery: ClaimedDelivery, attempt: AttemptRecord, next: NextState, now: number): Promise<boolean> {
    const applied = await this.settleAll(trx, [{ delivery, attempt, next }], now);
    return applied.has(delivery.id);
  }

  /**
   * Writes many outcomes at once. The attempts that delivered are written on their
   * rows, in one update that marks them delivered (migration 050: no
   * `webhook_attempts` row, the commonest outcome costs no insert); the other
   * attempts in one insert into `webhook_attempts`, and their rows' next states
   * (retries, failures, cancellations: rare) one by one. Returns the ids of the rows
   * whose state was written (the lease was still ours); a delivered row is counted
   * among them only when it is the only one.
   *
   * A delivered row whose lease was lost meanwhile (another dispatcher holds it now)
   * matches nothing; its attempt is then kept as a `webhook_attempts` row, so the log
   * still shows the send. Not knowing which of the batch missed, every delivered
   * attempt of that batch is written there; readers take the row over the delivery's
   * own record of the same attempt (webhookAttemptHistory).
   */
  async settleAll(trx: Queryable, outcomes: readonly DeliveryOutcome[], now: number): Promise<Set<string>> {
    const applied = new Set<string>();
    if (outcomes.length === 0) return applied;
    const ours = (q: Queryable, rows: readonly ClaimedDelivery[]) =>
      q('webhook_deliveries')
        .whereIn(
          'id',
          rows.map((d) => d.id),
        )
        .whereIn('lease_token', [...new Set(rows.map((d) => d.leaseToken))])
        .andWhere('status', 'pending');
    const delivered = outcomes.filter((o) => o.next.status === 'delivered');
    const others = outcomes.filter((o) => o.next.status !== 'delivered');
    let unrecorded: readonly DeliveryOutcome[] = others;
    if (delivered.length > 0) {
      const changed = await ours(
        trx,
        delivered.map((o) => o.delivery),
      ).update({
        status: 'delivered',
        delivered_at: now,
        locked_until: null,
        lease_token: null,
        updated_at: now,
        delivered_started_at: byDelivery(trx, delivered, (a) => a.startedAt),
        delivered_status_code: byDelivery(trx, delivered, (a) => a.statusCode),
        delivered_latency_ms: byDelivery(trx, delivered, (a) => a.latencyMs),
        delivered_excerpt: byDelivery(trx, delivered, (a) => a.excerpt),
      });
      if (delivered.length === 1 && changed === 1) applied.add(delivered[0].delivery.id);
      if (changed !== delivered.length) unrecorded = outcomes;
    }
    if (unrecorded.length > 0) {
      await trx('webhook_attempts').insert(
        unrecorded.map(({ delivery, attempt }) => ({
          delivery_id: delivery.id,
          attempt: delivery.attempt,
          started_at: attempt.startedAt,
          status_code: attempt.statusCode,
          latency_ms: attempt.latencyMs,
          response_excerpt: attempt.excerpt,
          error: attempt.error === null ? null : attempt.error.slice(0, 300),
        })),
      );
    }
    for (const { delivery, next } of others) {
      const patch =
        next.status === 'pending'
          ? { next_attempt_at: next.nextAttemptAt, locked_until: null, lease_token: null, updated_at: now }
          : { status: next.status, locked_until: null, lease_token: null, updated_at: now };
      if ((await ours(trx, [delivery]).update(patch)) === 1) applied.add(delivery.id);
    }
    return applied;
  }

  /**
   * Makes an endpoint's backed-off deliveries due now (it answered again). Rows in
   * flight keep their lease: they have `locked_until` set; a row put back for a
   * retry has it cleared.
   */
  async pullForward(endpointId: string, now: number): Promise<number> {
    return inTransaction(this.db, (trx) =>
      trx('webhook_deliveries')
        .where({ endpoint_id: endpointId, status: 'pending' })
        .andWhere('next_attempt_at', '>', now)
        .whereNull('locked_until')
        .update({ next_attempt_at: now, updated_at: now }),
    );
  }
}

/**
 * One column's value per delivery of a multi-row update: the value itself for one
 * row, else `CASE id WHEN ? THEN ? ... END` (the rows differ in latency and answer).
 */
function byDelivery<T extends string | number | null>(
  trx: Queryable,
  outcomes: readonly DeliveryOutcome[],
  value: (attempt: AttemptRecord) => T,
): T | Knex.Raw {
  if (outcomes.length === 1) return value(outcomes[0].attempt);
  const bindings = outcomes.flatMap((o) => [o.delivery.id, value(o.attempt)]);
  return trx.raw(`CASE id ${outcomes.map(() => 'WHEN ? THEN ?').join(' ')} END`, bindings);
}

/** A claim's token: only its holder may record the outcome. */
function newLeaseToken(): string {
  return randomBytes(12).toString('base64url');
}

/** `count` distinct elements of `values` chosen at random (all of them when there are no more). */
function pickRandom(values: number[], count: number): number[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values.slice(0, count);
}
