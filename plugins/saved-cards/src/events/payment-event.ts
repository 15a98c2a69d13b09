import { MerchantContext, Payment, Queryable } from '@tender/core';
import { SavedCardsDeps } from '../saved-cards-deps';

/**
 * What core hands an EventListener (its RecordedEvent; core's index does not export
 * the type, so the fields the plugin reads are named here).
 */
export interface ListenedEvent {
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly type: string;
  readonly objectId: string;
}

/**
 * The payment a `payment.*` event is about, read in the event's transaction, with
 * its merchant context; undefined for other events or a payment not found.
 *
 * @example
 * ```ts
 * const found = await paymentOfEvent(deps, q, event, new Set(['payment.authorized']));
 * ```
 */
export async function paymentOfEvent(
  deps: SavedCardsDeps,
  q: Queryable,
  event: ListenedEvent,
  types: ReadonlySet<string>,
): Promise<{ ctx: MerchantContext; payment: Payment } | undefined> {
  if (!types.has(event.type)) return undefined;
  const ctx: MerchantContext = { merchantId: event.merchantId, livemode: event.livemode };
  const payment = await deps.core.payments.findIn(q, ctx, event.objectId);
  return payment === undefined ? undefined : { ctx, payment };
}
