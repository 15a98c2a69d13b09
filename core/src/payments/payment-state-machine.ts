import { TenderError } from '../errors/tender-error';

/**
 * The payment state machine: every status a payment can have and every move
 * between them. Nothing changes a payment's status except through `assertTransition`,
 * and every allowed move announces itself with the event `payment.<new status>`.
 *
 * ```
 * pending ──confirm──> processing ──approved──> authorized ──capture──> captured ──refund──> partially_refunded ──> refunded
 *    │                  │  │  │  └─approved, automatic capture──────────────┘
 *    │                  │  │  └──> requires_action ──> processing (3-D Secure)
 *    │                  │  └────> declined ──confirm again──> processing
 *    │                  └───────> failed   ──confirm again──> processing
 *    └──cancel──> canceled <──void── authorized
 *                 canceled <──cancel── declined, failed, requires_action (the shop closes the order)
 * ```
 *
 * @example
 * ```ts
 * canTransition('authorized', 'captured'); // true
 * assertTransition('captured', 'canceled'); // throws TenderError payment_invalid_state (409)
 * ```
 */
export const PAYMENT_STATUSES = [
  'pending',
  'processing',
  'requires_action',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
  'declined',
  'failed',
  'canceled',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['processing', 'canceled'],
  processing: ['authorized', 'captured', 'declined', 'failed', 'requires_action'],
  requires_action: ['processing', 'declined', 'failed', 'canceled'],
  authorized: ['captured', 'canceled'],
  captured: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
  // A decline or a technical failure ends that attempt, not the order: the buyer may
  // try again (another card), which starts a new attempt on the same payment.
  declined: ['processing', 'canceled'],
  failed: ['processing', 'canceled'],
  canceled: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: PaymentStatus): readonly PaymentStatus[] {
  return TRANSITIONS[from];
}

/** What the operation is called in the 409 message, so it reads naturally. */
export function assertTransition(from: PaymentStatus, to: PaymentStatus, operation = `move to ${to}`): void {
  if (!canTransition(from, to)) {
    throw new TenderError('payment_invalid_state', {
      message: `Cannot ${operation}: the payment is ${from}.`,
    });
  }
}

export function eventTypeFor(to: PaymentStatus): string {
  return `payment.${to}`;
}

/** Statuses from which no bank operation is running and none can start. */
export function isFinal(status: PaymentStatus): boolean {
  return TRANSITIONS[status].length === 0;
}
