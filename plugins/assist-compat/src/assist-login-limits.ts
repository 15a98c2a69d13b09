import { AttemptCheck, AttemptLimiter, AttemptRule, ServiceResolver, clientAddressSubject } from '@tender/core';
import { AssistError } from './assist-error';
import { AssistFields, merchantIdOf } from './assist-request';
import { AssistMerchant, AssistSettingsService } from './assist-settings.service';

const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * Limits on the Login/Password of the Assist API calls (orderstate, charge, wscancel, rp.cfm),
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

/**
 * The Login/Password check of an API call, under the limits above: the attempt is
 * counted before scrypt runs, so parallel guesses cannot outrun the lock; a wrong
 * password stays counted, a right one clears or releases it.
 *
 * @example
 * ```ts
 * const merchant = await assistLogin(container, fields, req.ip); // throws AssistError on an unknown merchant, a wrong or locked login
 * ```
 */
export async function assistLogin(container: ServiceResolver, fields: AssistFields, address: string | undefined): Promise<AssistMerchant> {
  const settings = container.resolve(AssistSettingsService);
  const merchant = await settings.findEnabled(merchantIdOf(fields));
  if (merchant === undefined) throw new AssistError('merchant_unknown');
  const limiter = container.resolve(AttemptLimiter);
  const attempt = await limiter.reserve(assistLoginAttempt(merchant.merchantId, address));
  if (!attempt.allowed) throw new AssistError('credentials_locked');
  if (!(await settings.credentialsMatch(merchant, fields.login ?? '', fields.password ?? ''))) throw new AssistError('credentials_invalid');
  await limiter.succeeded(attempt.ticket);
  return merchant;
}
