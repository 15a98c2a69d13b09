import { EventOutbox, Queryable } from '@tender/core';

/**
 * Every event type the plugin records (registered with `ctx.registerEventTypes`, so
 * webhook endpoints may subscribe to them or to `customer.*`, `schedule.*`, ...).
 * The schedule events are recorded by the schedules (src/schedules/).
 */
export const SAVED_CARDS_EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'payment_method.attached',
  'payment_method.detached',
  'card.expiring',
  'schedule.created',
  'schedule.canceled',
  'schedule.completed',
  'schedule.charge_succeeded',
  'schedule.charge_failed',
  'schedule.retry_scheduled',
  'schedule.past_due',
] as const;

export type SavedCardsEventType = (typeof SAVED_CARDS_EVENT_TYPES)[number];

/** One of the plugin's events, about one of its objects. */
export interface SavedCardsEvent {
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly type: SavedCardsEventType;
  readonly objectType: 'customer' | 'payment_method' | 'schedule';
  readonly objectId: string;
  /** The object right after the change, in its API form. */
  readonly data: unknown;
}

/**
 * Records a plugin event in the caller's transaction (the change and its event commit together).
 *
 * @example
 * ```ts
 * await recordEvent(events, trx, { merchantId, livemode, type: 'customer.created', objectType: 'customer', objectId: c.id, data: customerView(c) });
 * ```
 */
export async function recordEvent(events: EventOutbox, q: Queryable, event: SavedCardsEvent): Promise<string> {
  return events.record(q, event);
}
