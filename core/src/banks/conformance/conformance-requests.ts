import { randomBytes } from 'node:crypto';
import {
  AccountDebitRequest,
  AuthorizationRequest,
  BankConnectionTerms,
  BankOperationKind,
  BankResult,
  FollowUpRequest,
  InquiryRequest,
} from '../bank-adapter';

/** What the request builders need of the subject. */
export interface RequestTerms {
  readonly connection: BankConnectionTerms;
  readonly currency: string;
}

export type Approved = Extract<BankResult, { kind: 'approved' }>;

export function newReference(): string {
  return `op_conf_${randomBytes(8).toString('hex')}`;
}

export function authorization(subject: RequestTerms, number: string, extra: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return {
    reference: newReference(),
    paymentId: `pay_conf_${randomBytes(6).toString('hex')}`,
    amount: 1_000,
    currency: subject.currency,
    capture: false,
    livemode: false,
    card: { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123', holderName: undefined },
    connection: subject.connection,
    ...extra,
  };
}

/** A follow-up (capture, void, refund) of an approved authorization, card or account. */
export function followUp(subject: RequestTerms, request: AuthorizationRequest | AccountDebitRequest, result: Approved, amount: number): FollowUpRequest {
  const card = 'card' in request ? request.card.number : undefined;
  return {
    reference: newReference(),
    paymentId: request.paymentId,
    original: {
      reference: request.reference,
      authorizationCode: result.authorizationCode,
      rrn: result.rrn,
      bankReference: result.bankReference,
      amount: request.amount,
      cardBin: card?.slice(0, 6),
      cardLast4: card?.slice(-4),
    },
    amount,
    currency: request.currency,
    livemode: request.livemode,
    connection: subject.connection,
  };
}

/** The inquiry the reconciler would send for an operation. */
export function inquiry(
  subject: RequestTerms,
  kind: BankOperationKind,
  op: { reference: string; paymentId: string; amount: number },
  card: string | undefined,
): InquiryRequest {
  return {
    kind,
    reference: op.reference,
    paymentId: op.paymentId,
    amount: op.amount,
    currency: subject.currency,
    livemode: false,
    cardBin: card?.slice(0, 6),
    cardLast4: card?.slice(-4),
    connection: subject.connection,
  };
}

export function accountDebit(subject: RequestTerms, number: string, amount: number, capture: boolean): AccountDebitRequest {
  return {
    reference: newReference(),
    paymentId: `pay_conf_${randomBytes(6).toString('hex')}`,
    amount,
    currency: subject.currency,
    capture,
    livemode: false,
    account: { number, payerId: 'payer_conformance', certificateSerial: '01' },
    connection: subject.connection,
  };
}
