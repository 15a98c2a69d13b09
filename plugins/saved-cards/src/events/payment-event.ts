import { MerchantContext, Payment, Queryable } from '@tender/core';
import { SavedCardsDeps } from '../saved-cards-deps';

/**
 * What core hands an EventListener (its RecordedEvent; core's index does not export
 * the type, so the fields the plugin reads are named here). `data` is the object as
 * the event announces it, in its API form (for a payment, its `paymentView`).
 */
export interface ListenedEvent {
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly type: string;
  readonly objectId: string;
  readonly data?: unknown;
}

/**
 * True when the event's own data says its payment has no customer (`customer: null`).
 * The data is the payment as the same transaction just wrote it, so this is as
 * current as a read would be. Data without the field proves nothing: false.
 *
 * @example
 * ```ts
 * announcesNoCustomer({ data: { id: 'pay_1', customer: null } }); // true
 * announcesNoCustomer({ data: { id: 'pay_1' } });                 // false: read to know
 * ```
 */
export function announcesNoCustomer(event: Pick<ListenedEvent, 'data'>): boolean {
  const data = event.data;
  return typeof data === 'object' && data !== null && 'customer' in data && data.customer === null;
}

/**
 * The payment of a customer that a `payment.*` event is about, read in the event's
 * transaction, with its merchant context; undefined for other events, a payment not
 * found, or a payment without a customer. Every saved-cards listener acts only for a
 * customer's payment (saving a card, mailing the customer), so a payment whose event
 * already says it has none is not read at all: most card payments have no customer,
 * and this listener runs in the transaction of each one's `payment.captured`.
 *
 * @example
 * ```ts
 * const found = await customerPaymentOfEvent(deps, q, event, new Set(['payment.authorized']));
 * if (found !== undefined) save(found.payment.customerId);
 * ```
 */
export async function customerPaymentOfEvent(
  deps: SavedCardsDeps,
  q: Queryable,
  event: ListenedEvent,
  types: ReadonlySet<string>,
): Promise<{ ctx: MerchantContext; payment: Payment & { customerId: string } } | undefined> {
  if (!types.has(event.type) || announcesNoCustomer(event)) return undefined;
  const ctx: MerchantContext = { merchantId: event.merchantId, livemode: event.livemode };
  const payment = await deps.core.payments.findIn(q, ctx, event.objectId);
  if (payment === undefined) return undefined;
  const { customerId } = payment;
  return customerId === null ? undefined : { ctx, payment: { ...payment, customerId } };
}
