import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { inTransaction } from '../db/transaction';
import { TenderError, notFound } from '../errors/tender-error';
import { LOGGER, Logger } from '../logging/logger';
import { AuditLog } from '../audit/audit-log';
import { MerchantContext } from '../merchants/merchant-context';
import { MerchantStanding } from '../merchants/merchant-standing';
import { Payment } from '../payments/payment';
import { PaymentRepository } from '../payments/payment.repository';
import { PaymentService } from '../payments/payment.service';
import { ReviewStatus, RiskReview, RiskReviewRepository } from './risk-review';

/**
 * The review queue: payments authorized but held until a person decides. Approve
 * releases the hold and captures a payment created with automatic capture (a
 * manual-capture payment is then the shop's to capture); reject voids the
 * authorization through PaymentService.cancel. A review nobody decides is decided
 * by `expireDue` with the default its rule set named when it opened.
 */
@injectable()
export class RiskReviewService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(RiskReviewRepository) private readonly reviews: RiskReviewRepository,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(PaymentService) private readonly paymentService: PaymentService,
    @inject(AuditLog) private readonly audit: AuditLog,
    @inject(MerchantStanding) private readonly standing: MerchantStanding,
  ) {}

  async list(
    ctx: MerchantContext,
    filter: { status: ReviewStatus | undefined; limit: number; startingAfter: string | undefined },
  ): Promise<{ reviews: RiskReview[]; hasMore: boolean }> {
    const page = await this.reviews.list(this.db, ctx, filter);
    if (page === undefined) throw new TenderError('parameter_invalid', { param: 'starting_after', message: 'starting_after names no review of yours.' });
    return page;
  }

  async retrieve(ctx: MerchantContext, id: string): Promise<RiskReview> {
    const review = await this.reviews.find(this.db, ctx, id);
    if (review === undefined) throw notFound('risk_review', id);
    return review;
  }

  /** `auditActor` (an operator's decision from the console) also writes an audit entry naming the operator account. */
  approve(ctx: MerchantContext, id: string, decidedBy = 'merchant', auditActor?: string): Promise<{ review: RiskReview; payment: Payment }> {
    return this.decide(ctx, id, 'approve', decidedBy, auditActor);
  }

  reject(ctx: MerchantContext, id: string, decidedBy = 'merchant', auditActor?: string): Promise<{ review: RiskReview; payment: Payment }> {
    return this.decide(ctx, id, 'reject', decidedBy, auditActor);
  }

  /** Decides open reviews past their deadline with their default; returns how many were decided. */
  async expireDue(limit = 100): Promise<number> {
    let decided = 0;
    for (const review of await this.reviews.due(this.db, this.clock.now(), limit)) {
      const ctx = { merchantId: review.merchantId, livemode: review.livemode };
      try {
        await this.decide(ctx, review.id, review.expireDecision, 'expiry');
        decided++;
      } catch (error) {
        // Typically the authorization's outcome is still unknown; the next run retries.
        this.logger.warn({ review: review.id, error: error instanceof Error ? error.message : String(error) }, 'risk review could not expire yet');
      }
    }
    return decided;
  }

  private async decide(
    ctx: MerchantContext,
    id: string,
    verdict: 'approve' | 'reject',
    decidedBy: string,
    auditActor?: string,
  ): Promise<{ review: RiskReview; payment: Payment }> {
    const { review, payment } = await inTransaction(this.db, async (trx) => {
      const review = await this.reviews.find(trx, ctx, id, { lock: true });
      if (review === undefined) throw notFound('risk_review', id);
      if (review.status !== 'open') throw new TenderError('risk_review_closed', { message: `The review is already ${review.status}.` });
      const payment = await this.payments.find(trx, ctx, review.paymentId, { lock: true });
      if (payment === undefined) throw new Error(`review ${id} refers to a missing payment`);
      const final = payment.status === 'declined' || payment.status === 'failed' || payment.status === 'canceled';
      if (!final && payment.status !== 'authorized') {
        throw new TenderError('payment_invalid_state', { message: `The payment is ${payment.status}; a review is decided once the authorization is known.` });
      }
      const status: ReviewStatus = final ? 'canceled' : verdict === 'approve' ? 'approved' : 'rejected';
      // Approving captures below: refused before the review is decided while the merchant may not take payments.
      if (status === 'approved' && payment.captureMethod === 'automatic') await this.standing.assertMayTakePayments(ctx, trx);
      if (auditActor !== undefined) {
        await this.audit.record(trx, {
          actor: auditActor,
          action: `risk_review.${verdict}`,
          merchantId: ctx.merchantId,
          objectType: 'risk_review',
          objectId: id,
          data: { payment: payment.id, livemode: ctx.livemode, status },
        });
      }
      return { review: await this.reviews.decide(trx, review, status, decidedBy, this.clock.now()), payment };
    });
    if (review.status === 'approved' && payment.captureMethod === 'automatic')
      return { review, payment: await this.paymentService.capture(ctx, payment.id, undefined) };
    if (review.status === 'rejected') return { review, payment: await this.paymentService.cancel(ctx, payment.id) };
    return { review, payment };
  }
}
