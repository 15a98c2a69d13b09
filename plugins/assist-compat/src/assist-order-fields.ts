import { formatAssistAmount } from './assist-amount';
import { responseCheckvalue } from './assist-checkvalue';
import { assistOrderState, assistResponseCode } from './assist-order-state';
import { AssistMerchant } from './assist-settings.service';
import { AssistOrderFields } from './assist-result';

/** What an order's Assist fields are made of: a Payment has all of it, and so has a payment event (see `orderSourceOfView`). */
export interface AssistOrderSource {
  readonly id: string;
  readonly orderId: string;
  readonly livemode: boolean;
  readonly status: string;
  readonly amount: number;
  readonly amountCaptured: number;
  readonly currency: string;
  readonly failureCode: string | null;
  readonly description: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly updatedAt: number;
}

/**
 * A payment as Assist's orderstate shows it (and as the push sends it), signed with
 * the response checkvalue over merchant_id, ordernumber, orderamount, ordercurrency
 * and orderstate exactly as written here.
 *
 * @example
 * ```ts
 * assistOrderFields(merchant, payment, '123456'); // { ordernumber, billnumber, ..., checkvalue }
 * ```
 */
export function assistOrderFields(merchant: AssistMerchant, order: AssistOrderSource, approvalCode: string): AssistOrderFields {
  const orderamount = formatAssistAmount(order.amount, order.currency);
  const orderstate = assistOrderState(order);
  return {
    ordernumber: order.orderId,
    billnumber: order.id,
    testmode: order.livemode ? '0' : '1',
    orderamount,
    ordercurrency: order.currency,
    amount: formatAssistAmount(order.amountCaptured > 0 ? order.amountCaptured : order.amount, order.currency),
    currency: order.currency,
    orderstate,
    responsecode: assistResponseCode(order),
    approvalcode: approvalCode,
    ordercomment: order.description ?? '',
    firstname: order.metadata.assist_firstname ?? '',
    lastname: order.metadata.assist_lastname ?? '',
    email: order.metadata.assist_email ?? '',
    packetdate: packetDate(order.updatedAt),
    checkvalue: responseCheckvalue(merchant.salt, {
      merchantId: merchant.assistMerchantId,
      orderNumber: order.orderId,
      orderAmount: orderamount,
      orderCurrency: order.currency,
      orderState: orderstate,
    }),
  };
}

/** Assist's date format, in UTC: dd.MM.yyyy HH:mm:ss. */
export function packetDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
