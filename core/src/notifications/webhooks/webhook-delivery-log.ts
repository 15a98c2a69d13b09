import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { DATABASE, Database } from '../../db/database';
import { TenderError } from '../../errors/tender-error';
import { MerchantContext } from '../../merchants/merchant-context';
import { eventMatches } from '../event-types';
import { DeliveryAttemptView, webhookAttemptHistory } from './webhook-attempt-history';
import { newDeliveryRow } from './webhook-fanout';

/**
 * One event for one endpoint, with its attempts (newest first).
 *
 * @example
 * ```json
 * { "id": "whd_...", "object": "webhook_delivery", "event_id": "evt_...", "status": "pending", "attempts": [{ "attempt": 1, "status_code": 500 }] }
 * ```
 */
export interface DeliveryView {
  id: string;
  object: 'webhook_delivery';
  endpoint_id: string;
  event_id: string;
  status: string;
  attempt_count: number;
  next_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
  attempts: DeliveryAttemptView[];
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());

/** The delivery log a merchant reads, and redelivery on request. */
@injectable()
export class WebhookDeliveryLog {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(
    ctx: MerchantContext,
    endpointId: string,
    page: { limit: number; startingAfter?: string | undefined },
  ): Promise<{ deliveries: DeliveryView[]; hasMore: boolean }> {
    const scope = { merchant_id: ctx.merchantId, livemode: ctx.livemode, endpoint_id: endpointId };
    const query = this.db('webhook_deliveries').where(scope);
    if (page.startingAfter !== undefined) {
      const cursor = await this.db('webhook_deliveries')
        .select('seq')
        .where({ ...scope, id: page.startingAfter })
        .first();
      if (cursor === undefined) throw new TenderError('resource_not_found', { param: 'starting_after', message: `No such delivery: ${page.startingAfter}.` });
      query.andWhere('seq', '<', cursor.seq);
    }
    const rows: Array<Record<string, unknown>> = await query.orderBy('seq', 'desc').limit(page.limit + 1);
    const shown = rows.slice(0, page.limit);
    const attempts = await webhookAttemptHistory(this.db, shown);
    return {
      deliveries: shown.map((r) => ({
        id: String(r.id),
        object: 'webhook_delivery',
        endpoint_id: String(r.endpoint_id),
        event_id: String(r.event_id),
        status: String(r.status),
        attempt_count: Number(r.attempt_count),
        next_attempt_at: r.status === 'pending' ? iso(r.next_attempt_at) : null,
        delivered_at: iso(r.delivered_at),
        created_at: new Date(Number(r.created_at)).toISOString(),
        attempts: [...(attempts.get(String(r.id)) ?? [])].reverse(),
      })),
      hasMore: rows.length > page.limit,
    };
  }

  /**
   * Queues the event again for one endpoint, or for every enabled endpoint subscribed
   * to its type. Returns the new delivery ids.
   */
  async redeliver(ctx: MerchantContext, eventId: string, endpointId?: string): Promise<string[]> {
    const event = await this.db('events').where({ id: eventId, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    if (event === undefined) throw new TenderError('resource_not_found', { param: 'id', message: `No such event: ${eventId}.` });
    const query = this.db('webhook_endpoints').select('id', 'events').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, status: 'enabled' });
    if (endpointId !== undefined) query.andWhere('id', endpointId);
    const endpoints: Array<{ id: string; events: string }> = await query;
    if (endpointId !== undefined && endpoints.length === 0)
      throw new TenderError('resource_not_found', { param: 'endpoint', message: `No such webhook endpoint: ${endpointId}.` });
    const targets = endpointId !== undefined ? endpoints : endpoints.filter((e) => eventMatches(JSON.parse(e.events) as string[], String(event.type)));
    const now = this.clock.now();
    const rows = targets.map((e) => newDeliveryRow(e.id, { id: eventId, merchantId: ctx.merchantId, livemode: ctx.livemode }, now));
    if (rows.length > 0) await this.db('webhook_deliveries').insert(rows);
    return rows.map((r) => String(r.id));
  }
}
