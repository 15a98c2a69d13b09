import { inject, injectable } from 'tsyringe';
import { Queryable } from '../db/database';
import { Payment } from '../payments/payment';
import { AssessmentOutcome, RiskAssessmentRepository } from './risk-assessment.repository';

/**
 * Keeps what the bank answered on the attempt's assessment (the `declines` rule
 * counts declined ones). Called by the bank-outcome applier in the transaction that
 * applies an authorization, so answers the reconciler learns later count too.
 */
@injectable()
export class RiskOutcomeRecorder {
  constructor(@inject(RiskAssessmentRepository) private readonly assessments: RiskAssessmentRepository) {}

  async authorizationApplied(q: Queryable, payment: Payment, now: number): Promise<void> {
    const outcome = outcomeOf(payment);
    if (outcome !== 'pending') await this.assessments.settlePending(q, payment, payment.id, outcome, now);
  }
}

export function outcomeOf(payment: Payment): AssessmentOutcome {
  switch (payment.status) {
    case 'authorized':
    case 'captured':
      return 'approved';
    case 'declined':
      return 'declined';
    case 'failed':
      return 'failed';
    default:
      return 'pending';
  }
}
