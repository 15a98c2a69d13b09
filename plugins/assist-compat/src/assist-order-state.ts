/** Assist's order states, as shop modules compare them. */
export type AssistOrderState =
  'In Process' | 'Delayed' | 'Approved' | 'PartialApproved' | 'PartialDelayed' | 'Canceled' | 'PartialCanceled' | 'Declined' | 'Timeout';

/** The part of a payment its Assist state depends on (a Payment or a payment event's view). */
export interface PaymentStateFacts {
  readonly status: string;
  readonly amount: number;
  readonly amountCaptured: number;
  readonly failureCode: string | null;
}

/**
 * Tender status -> Assist order state. PartialDelayed and Timeout have no Tender
 * counterpart (no partial authorizations; pending payments do not expire) and are
 * never produced.
 *
 * @example
 * ```ts
 * assistOrderState({ status: 'captured', amount: 1000, amountCaptured: 600, failureCode: null }); // 'PartialApproved'
 * ```
 */
export function assistOrderState(p: PaymentStateFacts): AssistOrderState {
  switch (p.status) {
    case 'authorized':
      return 'Delayed';
    case 'captured':
      return p.amountCaptured < p.amount ? 'PartialApproved' : 'Approved';
    case 'partially_refunded':
      return 'PartialCanceled';
    case 'refunded':
    case 'canceled':
      return 'Canceled';
    case 'declined':
    case 'failed':
      return 'Declined';
    default:
      return 'In Process';
  }
}

const DECLINE_CODES: Readonly<Record<string, string>> = {
  do_not_honor: 'AS100',
  card_not_supported: 'AS100',
  limit_exceeded: 'AS100',
  invalid_card: 'AS101',
  incorrect_cvc: 'AS101',
  insufficient_funds: 'AS102',
  expired_card: 'AS104',
  fraud_suspected: 'AS108',
  authentication_required: 'AS110',
  processing_error: 'AS998',
  bank_unreachable: 'AS998',
};

/** Tender status and failure code -> Assist response code (AS000, AS100, ...). */
export function assistResponseCode(p: PaymentStateFacts): string {
  switch (assistOrderState(p)) {
    case 'In Process':
      return 'AS300';
    case 'Declined':
      return DECLINE_CODES[p.failureCode ?? ''] ?? (p.status === 'failed' ? 'AS998' : 'AS100');
    default:
      return 'AS000';
  }
}
