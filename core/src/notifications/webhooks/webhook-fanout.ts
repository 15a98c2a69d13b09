import { randomInt } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, Queryable } from '../../db/database';
import type { InsertRow } from '../../db/tables';
import { inTransaction } from '../../db/transaction';
import { newId } from '../../ids/ids';
import { eventMatches } from '../event-types';
import type { ClaimedDelivery } from './webhook-delivery-queue';

/** A delivery the fan-out inserted already claimed, with the rows sending it needs. */
export interface FreshDelivery {
  readonly delivery: ClaimedDelivery;
  /** The event's row (every column: its body is made from it). */
  readonly event: Record<string, unknown>;
  /** The endpoint's row, read in the fan-out's transaction. */
  readonly endpoint: Record<string, unknown>;
}

/** What `runAndClaim` did: events taken, and the deliveries it claimed for its caller. */
export interface FanoutResult {
  readonly events: number;
  readonly claimed: readonly FreshDelivery[];
}

/** The deliveries a fan-out may insert claimed: up to `room`, leased to `token` until `leaseEnd`. */
interface Claiming {
  room: number;
  readonly leaseEnd: number;
  readonly token: string;
  readonly claimed: FreshDelivery[];
}

/** Events fanned out per transaction. */
const BATCH = 200;
/** Batches per call at most, so one call cannot hold a dispatcher for long. */
const MAX_BATCHES = 10;

/**
 * Makes the webhook deliveries of new events, at dispatch time rather than in the
 * transaction that writes the event (so a payment's transaction sends no
 * `webhook_endpoints` read, whatever endpoints the merchant has). The outbox writes
 * each event with `events.fanout = 0`; `run` then, in one transaction per batch:
 * 1. takes the batch with one conditional `UPDATE events SET fanout = <random token>
 *    WHERE seq IN (...) AND fanout = 0` (candidates from an index range read);
 *    a row another dispatcher took first no longer matches, so each event is taken
 *    once however many dispatchers run (on Galera a conflicting commit fails
 *    certification and the transaction runs again, finding nothing left);
 * 2. reads the rows carrying its token and the enabled endpoints of their merchants;
 * 3. inserts one pending delivery per endpoint that subscribes to the event's type
 *    and already existed when the event was written.
 * The claim and the deliveries commit together: a crash rolls both back and the
 * events wait for the next run. Never lost, never fanned out twice.
 *
 * `runAndClaim` (the dispatcher's way in) inserts up to `limit` of the new
 * deliveries already claimed, leased to the caller exactly as
 * WebhookDeliveryQueue.claim would lease them, and hands back the event and
 * endpoint rows it read: a fresh delivery then costs no claim read, no claim
 * UPDATE and no re-read of its event or endpoint. The lease makes a crash before
 * the send harmless: the delivery is due again when it runs out.
 *
 * What an endpoint receives is decided at fan-out, not at the event: one disabled
 * or deleted in between gets nothing, one re-enabled in between gets the event.
 *
 * @example
 * ```ts
 * const events = await fanout.run(Date.now()); // called by WebhookDeliveryQueue.claim
 * ```
 */
@injectable()
export class WebhookFanout {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** Fans out the waiting events (up to a bound); returns how many were taken. */
  async run(now: number): Promise<number> {
    return (await this.runAndClaim(now, { limit: 0, leaseMs: 0, leaseToken: '' })).events;
  }

  /** Fans out like `run`, inserting up to `limit` of the new deliveries claimed with `leaseToken` for `leaseMs`. */
  async runAndClaim(now: number, claim: { limit: number; leaseMs: number; leaseToken: string }): Promise<FanoutResult> {
    const claiming: Claiming = { room: claim.limit, leaseEnd: now + claim.leaseMs, token: claim.leaseToken, claimed: [] };
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const waiting: Array<{ seq: number | string }> = await this.db('events').select('seq').where('fanout', 0).orderBy('seq', 'asc').limit(BATCH);
      if (waiting.length === 0) break;
      // Each try claims into a list of its own, joined to the caller's only once it has
      // committed: inTransaction re-runs a try that lost a race (on Galera, often), and
      // the deliveries of a rolled-back try do not exist; sending them would repeat what
      // the committed try (or another dispatcher) sends.
      const committed = await inTransaction(this.db, async (trx) => {
        const attempt: Claiming = { room: claiming.room, leaseEnd: claiming.leaseEnd, token: claiming.token, claimed: [] };
        const events = await this.fanOut(
          trx,
          waiting.map((r) => Number(r.seq)),
          now,
          attempt,
        );
        return { events, attempt };
      });
      claiming.room = committed.attempt.room;
      claiming.claimed.push(...committed.attempt.claimed);
      total += committed.events;
      if (waiting.length < BATCH) break;
    }
    return { events: total, claimed: claiming.claimed };
  }

  private async fanOut(trx: Queryable, seqs: readonly number[], now: number, claiming?: Claiming): Promise<number> {
    // 2^47: far beyond any chance of two claims drawing the same token.
    const token = randomInt(1, 2 ** 47);
    const taken = await trx('events').whereIn('seq', seqs).andWhere('fanout', 0).update({ fanout: token });
    if (taken === 0) return 0;
    // Every column: a delivery claimed here is sent from this row, not read again.
    const events: Array<Record<string, unknown>> = await trx('events').select('*').whereIn('seq', seqs).andWhere('fanout', token);
    const scopes = new Map(events.map((e) => [scopeKey(e), [String(e.merchant_id), Boolean(e.livemode)] as [string, boolean]]));
    const endpoints: Array<Record<string, unknown>> = await trx('webhook_endpoints')
      .select('*')
      .where('status', 'enabled')
      .whereIn(['merchant_id', 'livemode'], [...scopes.values()]);
    const byScope = new Map<string, Array<Record<string, unknown>>>();
    for (const e of endpoints) byScope.set(scopeKey(e), [...(byScope.get(scopeKey(e)) ?? []), e]);
    const rows: Array<InsertRow<'webhook_deliveries'>> = [];
    for (const event of events) {
      const createdAt = Number(event.created_at);
      const type = String(event.type);
      for (const endpoint of byScope.get(scopeKey(event)) ?? []) {
        if (Number(endpoint.created_at) > createdAt || !eventMatches(JSON.parse(String(endpoint.events)) as string[], type)) continue;
        const target = { id: String(event.id), merchantId: String(event.merchant_id), livemode: Boolean(event.livemode) };
        const row = { ...newDeliveryRow(String(endpoint.id), target, now), created_at: createdAt };
        rows.push(claiming !== undefined && claiming.room > 0 ? claimed(row, target, event, endpoint, claiming, now) : row);
      }
    }
    for (let i = 0; i < rows.length; i += 500) await trx('webhook_deliveries').insert(rows.slice(i, i + 500));
    return events.length;
  }
}

/** `row` as the claim would leave it (attempt 1, leased), noted in `claiming`. */
function claimed(
  row: InsertRow<'webhook_deliveries'> & { id: string },
  target: { id: string; merchantId: string; livemode: boolean },
  event: Record<string, unknown>,
  endpoint: Record<string, unknown>,
  claiming: Claiming,
  now: number,
): InsertRow<'webhook_deliveries'> {
  claiming.room--;
  const leased = {
    ...row,
    attempt_count: 1,
    next_attempt_at: claiming.leaseEnd,
    locked_until: claiming.leaseEnd,
    lease_token: claiming.token,
    first_attempt_at: now,
  };
  claiming.claimed.push({
    delivery: {
      id: row.id,
      endpointId: String(endpoint.id),
      eventId: target.id,
      merchantId: target.merchantId,
      livemode: target.livemode,
      attempt: 1,
      firstAttemptAt: now,
      leaseToken: claiming.token,
    },
    event,
    endpoint,
  });
  return leased;
}

function scopeKey(row: Record<string, unknown>): string {
  return `${String(row.merchant_id)}/${row.livemode ? 1 : 0}`;
}

/** A pending delivery of `event` to one endpoint, due now. */
export function newDeliveryRow(
  endpointId: string,
  event: { id: string; merchantId: string; livemode: boolean },
  now: number,
): InsertRow<'webhook_deliveries'> & { id: string } {
  return {
    id: newId('whd'),
    endpoint_id: endpointId,
    event_id: event.id,
    merchant_id: event.merchantId,
    livemode: event.livemode,
    status: 'pending',
    attempt_count: 0,
    next_attempt_at: now,
    created_at: now,
    updated_at: now,
  };
}
