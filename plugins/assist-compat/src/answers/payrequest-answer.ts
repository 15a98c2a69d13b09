import { Payment } from '@tender/core';
import { AssistAnswerShape } from '../assist-answer';
import { assistOrderFields, packetDate } from '../assist-order-fields';
import { AssistMerchant } from '../assist-settings.service';
import { AssistRecord } from './assist-answer-render';

/** payrequest.cfm answers one flat object (Format 5, its default) or the same fields in `<result>` (Format 3). */
export const PAYREQUEST_SHAPE: AssistAnswerShape = { root: 'payrequest', flat: true };

/** What a refused payrequest.cfm still carries besides its codes: no page, and the reference's failed state. */
export const PAYREQUEST_REFUSED: AssistRecord = { url: '', expirationtime: '', orderstate: 'Declined' };

/**
 * The answer to payrequest.cfm as the reference writes it: `url` (the page to send the
 * buyer to), `expirationtime` (when that page stops taking the payment, UTC
 * `dd.MM.yyyy HH:mm:ss`) and `orderstate` (`In Process` for a new order), then the
 * billnumber and ordernumber the shop needs for charge/orderstate, and the checkvalue.
 *
 * @example
 * ```ts
 * payrequestRecord(merchant, payment, 'https://pay.example/pay/abc', payment.createdAt + 30 * 60_000);
 * // { url, expirationtime: '20.11.2026 11:00:00', orderstate: 'In Process', billnumber, ordernumber, checkvalue }
 * ```
 */
export function payrequestRecord(merchant: AssistMerchant, payment: Payment, url: string, expiresAt: number): AssistRecord {
  const order = assistOrderFields(merchant, payment, '');
  return {
    url,
    expirationtime: packetDate(expiresAt),
    orderstate: order.orderstate ?? '',
    billnumber: payment.id,
    ordernumber: payment.orderId,
    checkvalue: order.checkvalue ?? '',
  };
}
