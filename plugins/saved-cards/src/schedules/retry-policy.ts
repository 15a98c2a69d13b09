/**
 * What a schedule does after a charge fails: a soft decline (the card is fine, the
 * money or the bank was not there today) is tried again later; a hard decline (the
 * card will never pay: refused by the issuer, expired, lost or stolen, unknown) stops
 * the schedule, because charging a dead card again only earns the merchant fraud
 * flags from the card network.
 */

/** Failure codes after which a later attempt may succeed. */
export const SOFT_FAILURES: ReadonlySet<string> = new Set([
  'insufficient_funds',
  'limit_exceeded',
  // The issuer wanted the cardholder (3-D Secure) for a merchant-initiated payment: the buyer may finish it or fund another card.
  'authentication_required',
  // Technical: the bank was not reached or could not process; nothing was charged.
  'processing_error',
  'bank_unreachable',
  // The gateway's own refusals that pass by themselves.
  'merchant_suspended',
  'no_route',
]);

/**
 * Failure codes that stop the schedule at once. Any code in neither list stops it too
 * (an unknown reason is not worth charging a card again for); this list documents the
 * usual ones and what the gateway refuses before any bank is asked.
 */
export const HARD_FAILURES: ReadonlySet<string> = new Set([
  'do_not_honor',
  'expired_card',
  'invalid_card',
  'card_not_supported',
  'fraud_suspected',
  'lost_card',
  'stolen_card',
  'pickup_card',
  'incorrect_cvc',
  'authentication_failed',
  // Refused by the gateway before the bank: the saved card is gone, expired, or not for off-session use.
  'payment_method_expired',
  'payment_method_customer_mismatch',
  'payment_method_off_session_not_allowed',
  'resource_not_found',
]);

export type FailureKind = 'soft' | 'hard';

export function failureKind(code: string): FailureKind {
  return SOFT_FAILURES.has(code) ? 'soft' : 'hard';
}

/** The default retry days: 1, 3 and 5 days after the charge date. */
export const DEFAULT_RETRY_DAYS: readonly number[] = [1, 3, 5];

/**
 * The `retryDays` option ("1,3,5"): days after the period's charge date on which a
 * soft-declined charge is tried again, strictly increasing, each 1 to 30, at most 10;
 * "" or "0" means no retries (the first soft decline stops the schedule too).
 *
 * @example
 * ```ts
 * parseRetryDays('1,3,5'); // [1, 3, 5]
 * parseRetryDays('3,1');   // throws: not increasing
 * ```
 */
export function parseRetryDays(text: string): readonly number[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '0') return [];
  const days = trimmed.split(',').map((part) => part.trim());
  if (days.length > 10) throw new RangeError('retryDays: at most 10 retries');
  const numbers = days.map((part) => {
    if (!/^\d{1,2}$/.test(part)) throw new RangeError(`retryDays: '${part}' is not a whole number of days`);
    const n = Number(part);
    if (n < 1 || n > 30) throw new RangeError(`retryDays: ${n} is outside 1 to 30 days`);
    return n;
  });
  numbers.forEach((n, i) => {
    if (i > 0 && n <= numbers[i - 1]) throw new RangeError('retryDays: the days must increase (e.g. 1,3,5)');
  });
  return numbers;
}

/** What follows a failed attempt. */
export type FailureDecision =
  | { readonly kind: 'retry'; readonly attempt: number; readonly afterDays: number }
  | { readonly kind: 'stop'; readonly reason: 'hard_decline' | 'retries_exhausted' };

/**
 * The decision after attempt `attempt` (0 is the charge on its date, 1 the first
 * retry) of a period failed with `code`.
 *
 * @example
 * ```ts
 * decideAfterFailure('insufficient_funds', 0, [1, 3, 5]); // { kind: 'retry', attempt: 1, afterDays: 1 }
 * decideAfterFailure('insufficient_funds', 3, [1, 3, 5]); // { kind: 'stop', reason: 'retries_exhausted' }
 * decideAfterFailure('do_not_honor', 0, [1, 3, 5]);       // { kind: 'stop', reason: 'hard_decline' }
 * ```
 */
export function decideAfterFailure(code: string, attempt: number, retryDays: readonly number[]): FailureDecision {
  if (failureKind(code) === 'hard') return { kind: 'stop', reason: 'hard_decline' };
  const next = retryDays[attempt];
  if (next === undefined) return { kind: 'stop', reason: 'retries_exhausted' };
  return { kind: 'retry', attempt: attempt + 1, afterDays: next };
}
