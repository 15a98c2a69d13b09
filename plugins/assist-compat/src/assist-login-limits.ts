import { AttemptCheck, AttemptRule, clientAddressSubject } from '@tender/core';

const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * Limits on the Login/Password of the Assist API calls (orderstate, charge, wscancel),
 * kept by the gateway's AttemptLimiter like dashboard sign-in. Only wrong passwords add
 * up: a right one clears the count of its Merchant_ID and address and gives its attempt
 * back to the others, so a shop that polls all day is never locked.
 *
 * - per Merchant_ID and client address: 10 within 15 minutes, then 15 minutes locked;
 * - per Merchant_ID from all addresses: 50 within 15 minutes (many addresses guessing
 *   one shop's password; this is also what lets a stranger lock a shop's API, so it is
 *   kept well above a misconfigured shop's retries);
 * - per client address over all Merchant_IDs: 100 within 15 minutes (one address
 *   trying many shops; a hosting provider's shops may share one address).
 */
export const ASSIST_LOGIN_LIMITS = {
  perMerchantAndAddress: { purpose: 'assist_login_merchant_address', attempts: 10, windowMs: FIFTEEN_MINUTES, lockMs: FIFTEEN_MINUTES, onSuccess: 'clear' },
  perMerchant: { purpose: 'assist_login_merchant', attempts: 50, windowMs: FIFTEEN_MINUTES, lockMs: FIFTEEN_MINUTES, onSuccess: 'release' },
  perAddress: { purpose: 'assist_login_address', attempts: 100, windowMs: FIFTEEN_MINUTES, lockMs: FIFTEEN_MINUTES, onSuccess: 'release' },
} as const satisfies Record<string, AttemptRule>;

/**
 * One API call's Login/Password for a Tender merchant (the Merchant_ID it answers to), from an address.
 *
 * @example
 * ```ts
 * const attempt = await limiter.reserve(assistLoginAttempt(merchant.merchantId, req.ip));
 * ```
 */
export function assistLoginAttempt(merchantId: string, address: string | undefined): AttemptCheck[] {
  const ip = clientAddressSubject(address);
  return [
    { rule: ASSIST_LOGIN_LIMITS.perMerchantAndAddress, subject: `${merchantId}|${ip}` },
    { rule: ASSIST_LOGIN_LIMITS.perMerchant, subject: merchantId },
    { rule: ASSIST_LOGIN_LIMITS.perAddress, subject: ip },
  ];
}
