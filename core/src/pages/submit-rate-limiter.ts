import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { RateCounter } from '../attempts/rate-counter';

/**
 * Limits card-form submissions per client IP and per payment page (card testing:
 * trying many stolen numbers through one shop's page).
 *
 * Counted in the database (RateCounter, `rate_counters`), so N gateway processes
 * behind a balancer keep one limit, not N times it. It costs one statement per limit
 * on a submission (a conditional UPDATE of the window's row), which the hosted page
 * pays and the API payment path does not.
 *
 * @example
 * ```ts
 * if (!(await limiter.allowSubmission(req.ip, payment.id))) return tooManyAttemptsPage();
 * ```
 */
@injectable()
export class SubmitRateLimiter {
  constructor(
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(RateCounter) private readonly counter: RateCounter,
  ) {}

  /** The per-IP limit alone (the signed shop form, which has no payment yet). */
  allowFromIp(ip: string): Promise<boolean> {
    return this.counter.hit({ name: 'page_submit_ip', limit: this.config.pageSubmitsPerIpPerMinute, windowMs: 60_000 }, `ip:${ip}`);
  }

  /** Both limits for one card-form submission; each is counted even when the other refuses (as before). */
  async allowSubmission(ip: string, paymentId: string): Promise<boolean> {
    const byIp = await this.allowFromIp(ip);
    const byPayment = await this.counter.hit(
      { name: 'page_submit_payment', limit: this.config.pageSubmitsPerPayment, windowMs: 10 * 60_000 },
      `payment:${paymentId}`,
    );
    return byIp && byPayment;
  }
}
