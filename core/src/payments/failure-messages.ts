import { DeclineReason, SettledBankResult } from '../banks/bank-adapter';

/**
 * Buyer-safe explanations of failure codes, shown as `failure_message`. The bank's
 * own text stays on the bank operation; it may say more than a buyer should see.
 */
const DECLINE_MESSAGES: Readonly<Record<DeclineReason, string>> = {
  do_not_honor: 'The card was declined by the issuing bank.',
  insufficient_funds: 'The card has insufficient funds.',
  expired_card: 'The card has expired.',
  incorrect_cvc: 'The security code (CVC) is incorrect.',
  invalid_card: 'The card number is not valid at the issuing bank.',
  card_not_supported: 'This card is not supported for this payment.',
  authentication_required: 'The issuing bank requires 3-D Secure authentication.',
  authentication_failed: 'The cardholder could not be authenticated (3-D Secure).',
  fraud_suspected: 'The payment was declined as suspected fraud.',
  limit_exceeded: 'The card has exceeded its limit.',
};

const TECHNICAL_MESSAGES = {
  processing_error: 'The bank could not process the payment. It was not charged; you may try again.',
  bank_unreachable: 'The bank could not be reached. The payment was not charged; you may try again.',
} as const;

export function failureOf(result: Exclude<SettledBankResult, { kind: 'approved' }>): { code: string; message: string } {
  return result.kind === 'declined'
    ? { code: result.reason, message: DECLINE_MESSAGES[result.reason] }
    : { code: result.reason, message: TECHNICAL_MESSAGES[result.reason] };
}

/** `action_expired`: the buyer did not finish a payment elsewhere (a QR code, a wallet) in time (AwaitedPaymentSettler). */
export const FAILURE_CODES: readonly string[] = [...Object.keys(DECLINE_MESSAGES), ...Object.keys(TECHNICAL_MESSAGES), 'action_expired'];
