import { inject, injectAll, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { Queryable } from '../db/database';
import { newId } from '../ids/ids';
import { EVENT_LISTENER, EventListener } from './event-listener';

/**
 * The transactional outbox: an event is written by the same transaction as the
 * change it announces, so there is never a change without its event or an event
 * without its change. Dispatchers (webhooks, e-mail) read from here; the webhook
 * dispatcher makes the deliveries of new events itself (WebhookFanout), so recording
 * an event costs one INSERT whatever endpoints the merchant has.
 *
 * @example
 * ```ts
 * await db.transaction(async (trx) => {
 *   await payments.update(trx, payment, { status: 'captured' }, now);
 *   await outbox.record(trx, { merchantId, livemode, type: 'payment.captured', objectType: 'payment', objectId: payment.id, data: view });
 * });
 * ```
 */
export interface NewEvent {
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly type: string;
  /**
   * The API object the event is about: core's 'payment', 'refund', 'merchant', or a
   * plugin's own ('customer', 'schedule', ...); at most 24 characters (events.object_type).
   */
  readonly objectType: 'payment' | 'refund' | 'merchant' | (string & Record<never, never>);
  readonly objectId: string;
  /** The object as it is right after the change, in its API form. */
  readonly data: unknown;
}

@injectable()
export class EventOutbox {
  constructor(
    @inject(CLOCK) private readonly clock: Clock,
    @injectAll(EVENT_LISTENER) private readonly listeners: EventListener[],
  ) {}

  async record(q: Queryable, event: NewEvent): Promise<string> {
    const id = newId('evt');
    const createdAt = this.clock.now();
    await q('events').insert({
      id,
      merchant_id: event.merchantId,
      livemode: event.livemode,
      type: event.type,
      object_type: event.objectType,
      object_id: event.objectId,
      data: JSON.stringify({ object: event.data }),
      created_at: createdAt,
      // Waiting for the webhook dispatcher's fan-out (WebhookFanout), which reads the
      // endpoints then: not a statement in this (the payment's) transaction.
      fanout: 0,
    });
    // E-mail queueing and plugins' listeners commit with the event, or not at all.
    for (const listener of this.listeners) {
      await listener.onEvent(q, {
        id,
        merchantId: event.merchantId,
        livemode: event.livemode,
        type: event.type,
        objectId: event.objectId,
        data: event.data,
        createdAt,
      });
    }
    return id;
  }
}
