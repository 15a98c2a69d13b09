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

/** What `runAndClaim` did: events taken, the deliveries it claimed for its caller, and whether events were left waiting. */
export interface FanoutResult {
  readonly events: number;
  readonly claimed: readonly FreshDelivery[];
  /** True when the room ran out with events still waiting: the caller should claim again at once. */
  readonly more: boolean;
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
 * each event with `events.fanout = 0`; `run` then, in one transaction per batch
 * (candidates from an index range read):
 * 1. reads the candidates' type, merchant, mode and time (not their `data`) and the
 *    enabled endpoints of their merchants, and chooses the events to take;
 * 2. takes them with one conditional `UPDATE events SET fanout = <random token>
 *    WHERE seq IN (...) AND fanout = 0`; a row another dispatcher took first no
 *    longer matches, so each event is taken once however many dispatchers run (on
 *    Galera a conflicting commit fails certification and the transaction runs
 *    again, finding nothing left); the rows carrying its token are its own (for the
 *    dispatcher's claim, read whole: the events it sends);
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
 * the send harmless: the delivery is due again when it runs out. It takes only the
 * events whose deliveries fit that room (and any with no delivery at all), leaving
 * the rest waiting for the next claim, which the caller makes at once (`more`):
 * an event fanned out beyond the room would become a due row, sent only after a
 * second claim (its `UPDATE` rewriting the row's index entries) and a re-read of its
 * event and endpoint. Only an event with more endpoints than the room left has its
 * other deliveries inserted due. `run` (limit 0) fans everything out due, as
 * WebhookDeliveryQueue.claim needs.
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
    const bounded = claim.limit > 0;
    let total = 0;
    let more = false;
    for (let i = 0; i < MAX_BATCHES; i++) {
      // Bounded, twice the room is enough candidates where every event has an endpoint, and the loop reads on
      // where events have none (they cost no room).
      const want = bounded ? Math.min(BATCH, Math.max(claiming.room, 1) * 2) : BATCH;
      const waiting: Array<{ seq: number | string }> = await this.db('events').select('seq').where('fanout', 0).orderBy('seq', 'asc').limit(want);
      if (waiting.length === 0) break;
      // Each try claims into a list of its own, joined to the caller's only once it has
      // committed: inTransaction re-runs a try that lost a race (on Galera, often), and
      // the deliveries of a rolled-back try do not exist; sending them would repeat what
      // the committed try (or another dispatcher) sends.
      const committed = await inTransaction(this.db, async (trx) => {
        const attempt: Claiming = { room: claiming.room, leaseEnd: claiming.leaseEnd, token: claiming.token, claimed: [] };
        const taken = await this.fanOut(
          trx,
          waiting.map((r) => Number(r.seq)),
          now,
          bounded ? attempt : undefined,
        );
        return { taken, attempt };
      });
      claiming.room = committed.attempt.room;
      claiming.claimed.push(...committed.attempt.claimed);
      total += committed.taken.events;
      if (committed.taken.leftWaiting) {
        more = true;
        break;
      }
      if (waiting.length < want) break;
      if (bounded && claiming.room <= 0) {
        more = true;
        break;
      }
    }
    return { events: total, claimed: claiming.claimed, more };
  }

  /**
   * One batch in the caller's transaction. With `claiming`, events are chosen in order while there is room
   * (an event with no delivery costs none), and the rest are left waiting; without it, all are taken and their
   * deliveries inserted due.
   */
  private async fanOut(trx: Queryable, seqs: readonly number[], now: number, claiming?: Claiming): Promise<{ events: number; leftWaiting: boolean }> {
    // The columns that decide an event's deliveries, read before the claim so the events can be chosen to fit
    // the room (the conditional UPDATE below decides which are this try's). Not `data`: of up to 200 candidates
    // a claim may take only its room's worth, and only those it sends are read whole, once taken.
    const candidates: Array<Record<string, unknown>> = await trx('events')
      .select('seq', 'id', 'merchant_id', 'livemode', 'type', 'created_at')
      .whereIn('seq', seqs)
      .andWhere('fanout', 0)
      .orderBy('seq', 'asc');
    // Another dispatcher took them all since the index read: nothing to read the endpoints for.
    if (candidates.length === 0) return { events: 0, leftWaiting: false };
    const scopes = new Map(candidates.map((e) => [scopeKey(e), [String(e.merchant_id), Boolean(e.livemode)] as [string, boolean]]));
    const endpoints: Array<Record<string, unknown>> = await trx('webhook_endpoints')
      .select('*')
      .where('status', 'enabled')
      .whereIn(['merchant_id', 'livemode'], [...scopes.values()]);
    // Each endpoint's subscription parsed once, not once per candidate event (up to 200 per claim).
    const byScope = new Map<string, Array<{ endpoint: Record<string, unknown>; createdAt: number; subscribed: string[] }>>();
    for (const e of endpoints) {
      const entry = { endpoint: e, createdAt: Number(e.created_at), subscribed: JSON.parse(String(e.events)) as string[] };
      const scope = byScope.get(scopeKey(e));
      if (scope === undefined) byScope.set(scopeKey(e), [entry]);
      else scope.push(entry);
    }
    const targetsOf = (event: Record<string, unknown>): Array<Record<string, unknown>> => {
      const createdAt = Number(event.created_at);
      const type = String(event.type);
      return (byScope.get(scopeKey(event)) ?? []).filter((t) => t.createdAt <= createdAt && eventMatches(t.subscribed, type)).map((t) => t.endpoint);
    };
    // The events this try takes: all of them, or (claiming) those that fit the room, in order.
    const chosen: Array<{ event: Record<string, unknown>; targets: Array<Record<string, unknown>> }> = [];
    let room = claiming?.room ?? 0;
    for (const event of candidates) {
      const targets = targetsOf(event);
      if (claiming !== undefined && targets.length > 0 && room <= 0) continue;
      room -= targets.length;
      chosen.push({ event, targets });
    }
    const leftWaiting = chosen.length < candidates.length;
    if (chosen.length === 0) return { events: 0, leftWaiting };
    // 2^47: far beyond any chance of two claims drawing the same token.
    const token = randomInt(1, 2 ** 47);
    const chosenSeqs = chosen.map((c) => Number(c.event.seq));
    const taken = await trx('events').whereIn('seq', chosenSeqs).andWhere('fanout', 0).update({ fanout: token });
    if (taken === 0) return { events: 0, leftWaiting };
    let ours = chosen;
    if (claiming !== undefined) {
      // Every column of the events this try took that have deliveries: a delivery claimed here is sent from
      // this row, not read again. The token says which are this try's.
      const sending = chosen.filter((c) => c.targets.length > 0).map((c) => Number(c.event.seq));
      const whole: Array<Record<string, unknown>> =
        sending.length === 0 ? [] : await trx('events').select('*').whereIn('seq', sending).andWhere('fanout', token);
      const bySeq = new Map(whole.map((e) => [Number(e.seq), e]));
      ours = chosen.flatMap((c) => {
        const event = bySeq.get(Number(c.event.seq));
        return event === undefined ? [] : [{ event, targets: c.targets }];
      });
    } else if (taken < chosen.length) {
      // Another dispatcher took some first: only the rows carrying this token are ours.
      const mine: Array<{ seq: number | string }> = await trx('events').select('seq').whereIn('seq', chosenSeqs).andWhere('fanout', token);
      const seqsOfMine = new Set(mine.map((r) => Number(r.seq)));
      ours = chosen.filter((c) => seqsOfMine.has(Number(c.event.seq)));
    }
    const rows: Array<InsertRow<'webhook_deliveries'>> = [];
    for (const { event, targets } of ours) {
      const target = { id: String(event.id), merchantId: String(event.merchant_id), livemode: Boolean(event.livemode) };
      for (const endpoint of targets) {
        const row = { ...newDeliveryRow(String(endpoint.id), target, now), created_at: Number(event.created_at) };
        rows.push(claiming !== undefined && claiming.room > 0 ? claimed(row, target, event, endpoint, claiming, now) : row);
      }
    }
    for (let i = 0; i < rows.length; i += 500) await trx('webhook_deliveries').insert(rows.slice(i, i + 500));
    return { events: taken, leftWaiting };
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
