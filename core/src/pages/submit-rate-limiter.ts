import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';

/**
 * Limits card-form submissions per client IP and per payment page (card testing:
 * trying many stolen numbers through one shop's page).
 *
 * Kept in memory, per process, on purpose: it is an abuse brake, not accounting.
 * A database counter would add a write (and on MariaDB a row lock) to every
 * submission on the hot path; with N processes behind a balancer the effective
 * limit is at most N times the configured one, which still stops card testing.
 * The per-payment limit is what matters most, and the form tokens plus the state
 * machine already make each submission expensive for an attacker.
 *
 * @example
 * ```ts
 * if (!limiter.allowSubmission(req.ip, payment.id)) return tooManyAttemptsPage();
 * ```
 */
@injectable()
export class SubmitRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
  ) {}

  /** Counts one submission; false when `key` already used `limit` in the current window. */
  allow(key: string, limit: number, windowMs: number): boolean {
    const now = this.clock.now();
    if (this.windows.size > 50_000) this.prune(now, windowMs);
    const w = this.windows.get(key);
    if (w === undefined || now - w.start >= windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= limit;
  }

  /** The per-IP limit alone (the signed shop form, which has no payment yet). */
  allowFromIp(ip: string): boolean {
    return this.allow(`ip:${ip}`, this.config.pageSubmitsPerIpPerMinute, 60_000);
  }

  /** Both limits for one card-form submission. */
  allowSubmission(ip: string, paymentId: string): boolean {
    const byIp = this.allowFromIp(ip);
    const byPayment = this.allow(`payment:${paymentId}`, this.config.pageSubmitsPerPayment, 10 * 60_000);
    return byIp && byPayment;
  }

  private prune(now: number, windowMs: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= windowMs) this.windows.delete(key);
  }
}
