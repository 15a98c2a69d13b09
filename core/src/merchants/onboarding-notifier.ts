import { Queryable } from '../db/database';
import { MerchantView } from './merchant-view';

/**
 * What onboarding announces at every stage change: an event for webhooks and an
 * e-mail to the merchant. `template` names an e-mail template; `data` fills it
 * (never a secret key: keys are shown once in API responses only).
 */
export interface OnboardingNotice {
  readonly type: string;
  readonly merchant: MerchantView;
  readonly template: string;
  readonly data: Record<string, unknown>;
}

/**
 * The seam between onboarding and whatever delivers notifications. The built-in
 * implementation (OutboxMailNotifier) writes the event and the rendered e-mail into
 * the outboxes inside the stage change's transaction and has nothing to do after
 * commit; another implementation can be registered under the same token without
 * touching onboarding.
 *
 * @example
 * ```ts
 * await inTransaction(db, async (trx) => {
 *   // ... change the stage ...
 *   await notifier.record(trx, notice);
 * });
 * await notifier.deliver(notice);
 * ```
 */
export interface OnboardingNotifier {
  /** Inside the stage change's transaction: the event, so there is never one without the other. */
  record(q: Queryable, notice: OnboardingNotice): Promise<void>;
  /** After commit: anything that must not be part of the transaction. A failure is logged, never thrown: the stage change stands. */
  deliver(notice: OnboardingNotice): Promise<void>;
}

export const ONBOARDING_NOTIFIER = Symbol('OnboardingNotifier');
