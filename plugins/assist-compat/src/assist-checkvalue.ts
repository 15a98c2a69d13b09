import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Assist's checkvalue: UPPER(md5(UPPER(md5(SALT) + md5(X)))), md5 written as
 * lowercase hex, as the PHP and 1C modules compute it.
 *
 * Requests (order.cfm, payrequest.cfm) sign X = `Merchant_ID;OrderNumber;OrderAmount;OrderCurrency`
 * with the values exactly as posted. Responses and result pushes sign
 * X = merchant_id + ordernumber + orderamount + ordercurrency + orderstate, concatenated
 * without separators, with the values exactly as they appear in the response.
 *
 * @example
 * ```ts
 * requestCheckvalue('secret', { merchantId: '123456', orderNumber: 'A-1', orderAmount: '1500.00', orderCurrency: 'RUB' });
 * ```
 */
export function assistCheckvalue(salt: string, x: string): string {
  return md5((md5(salt) + md5(x)).toUpperCase()).toUpperCase();
}

export interface SignedOrderFields {
  readonly merchantId: string;
  readonly orderNumber: string;
  readonly orderAmount: string;
  readonly orderCurrency: string;
}

export function requestCheckvalue(salt: string, f: SignedOrderFields): string {
  return assistCheckvalue(salt, [f.merchantId, f.orderNumber, f.orderAmount, f.orderCurrency].join(';'));
}

export function responseCheckvalue(salt: string, f: SignedOrderFields & { readonly orderState: string }): string {
  return assistCheckvalue(salt, f.merchantId + f.orderNumber + f.orderAmount + f.orderCurrency + f.orderState);
}

/** Compares in constant time; case-insensitive because some modules send lowercase hex. */
export function checkvalueMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected.toUpperCase(), 'utf8');
  const b = Buffer.from(given.toUpperCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
