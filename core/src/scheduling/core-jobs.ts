import { DependencyContainer } from 'tsyringe';
import { AttemptLimiter } from '../attempts/attempt-limiter';
import { RateCounter } from '../attempts/rate-counter';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { NOTICE_INTERVAL_MS, ScheduledNotices } from '../merchants/onboarding-mail/scheduled-notices';
import { REVIEW_EXPIRY_INTERVAL_MS } from '../monitoring/register-monitoring';
import { RiskBucketPruner } from '../monitoring/risk-bucket-pruner';
import { RiskReviewService } from '../monitoring/risk-review.service';
import { FormTokenService } from '../pages/form-token.service';
import { AwaitedPaymentSettler } from '../payments/awaited-payment-settler';
import { BankReconciler } from '../payments/bank-reconciler';
import { WebSessionStore } from '../web/sessions/web-session.store';
import { ScheduledJob } from './scheduled-job';

const HOUR = 3600_000;

/**
 * The core's timed jobs (besides the dispatchers and the breaker refresh, which the
 * gateway adds itself), each with its concurrency decided (docs/schedules.md):
 * exclusive unless the job claims its rows itself. None runs at start: a gateway that
 * starts (or a test) does not trigger a purge; each is first due one interval later.
 *
 * @example
 * ```ts
 * for (const job of coreJobs(container, config.reconcileIntervalMs)) scheduler.job(job).start();
 * ```
 */
export function coreJobs(container: DependencyContainer, reconcileIntervalMs: number): ScheduledJob[] {
  const later = { runAtStart: false } as const;
  // One pruner per gateway: it remembers how far it has swept the lock rows.
  let pruner: RiskBucketPruner | undefined;
  return [
    // Asks banks about operations left unknown: one process, or two would ask twice.
    { name: 'bank reconciler', intervalMs: reconcileIntervalMs, ...later, run: () => container.resolve(BankReconciler).run() },
    // Payments the buyer completes elsewhere (SBP, wallets): asked about, settled or expired.
    { name: 'awaited payments', intervalMs: reconcileIntervalMs, ...later, run: () => container.resolve(AwaitedPaymentSettler).runDue() },
    // Idempotency-key retention.
    { name: 'idempotency purge', intervalMs: HOUR, ...later, run: () => container.resolve(IdempotencyService).purgeExpired() },
    { name: 'risk review expiry', intervalMs: REVIEW_EXPIRY_INTERVAL_MS, ...later, run: () => container.resolve(RiskReviewService).expireDue() },
    // Test-mode warnings and ends, held-review alerts: each notice is claimed once in `sent_notices`, so every process may look.
    { name: 'scheduled notices', intervalMs: NOTICE_INTERVAL_MS, concurrency: 'parallel', ...later, run: () => container.resolve(ScheduledNotices).runOnce() },
    { name: 'form token purge', intervalMs: HOUR, ...later, run: () => container.resolve(FormTokenService).purgeExpired() },
    { name: 'web session purge', intervalMs: HOUR, ...later, run: () => container.resolve(WebSessionStore).purgeExpired() },
    { name: 'attempt counter purge', intervalMs: HOUR, ...later, run: () => container.resolve(AttemptLimiter).purgeExpired() },
    { name: 'rate counter purge', intervalMs: HOUR, ...later, run: () => container.resolve(RateCounter).purgeExpired() },
    // Risk history buckets older than the longest window, and the lock rows of keys left without one (small batches).
    { name: 'risk bucket prune', intervalMs: HOUR, ...later, run: (signal) => (pruner ??= container.resolve(RiskBucketPruner)).run(signal) },
  ];
}
