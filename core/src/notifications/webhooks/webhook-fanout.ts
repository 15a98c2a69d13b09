import { injectable } from 'tsyringe';
import { Queryable } from '../../db/database';
import type { InsertRow } from '../../db/tables';
import { newId } from '../../ids/ids';
import { EventListener, RecordedEvent } from '../event-listener';
import { eventMatches } from '../event-types';

/**
 * Queues one delivery per subscribed endpoint in the transaction that writes the
 * event, so an event can neither be delivered without having happened nor happen
 * without being queued.
 */
@injectable()
export class WebhookFanout implements EventListener {
  async onEvent(q: Queryable, event: RecordedEvent): Promise<void> {
    const endpoints = await q('webhook_endpoints').select('id', 'events').where({ merchant_id: event.merchantId, livemode: event.livemode, status: 'enabled' });
    const rows = endpoints
      .filter((e: { events: string }) => eventMatches(JSON.parse(e.events) as string[], event.type))
      .map((e: { id: string }) => newDeliveryRow(e.id, event, event.createdAt));
    if (rows.length > 0) await q('webhook_deliveries').insert(rows);
  }
}

/** A pending delivery of `event` to one endpoint, due now. */
export function newDeliveryRow(endpointId: string, event: { id: string; merchantId: string; livemode: boolean }, now: number): InsertRow<'webhook_deliveries'> {
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

