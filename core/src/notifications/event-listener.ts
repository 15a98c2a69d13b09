import { Queryable } from '../db/database';

/**
 * Something that must happen in the same transaction as an event: queueing its
 * webhook deliveries, queueing an e-mail. Work that can wait belongs in a
 * dispatcher that reads the queue afterwards; a listener only writes rows, so the
 * change, its event and everything the event sets off commit or fail together.
 *
 * @example
 * ```ts
 * container.register(EVENT_LISTENER, { useClass: WebhookFanout });
 * ```
 */
export interface RecordedEvent {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly type: string;
  readonly objectId: string;
  readonly data: unknown;
  readonly createdAt: number;
}

export interface EventListener {
  onEvent(q: Queryable, event: RecordedEvent): Promise<void>;
}

export const EVENT_LISTENER = Symbol('EventListener');
