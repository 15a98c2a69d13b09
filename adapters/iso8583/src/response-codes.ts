import { BankResult, DeclineReason } from '@tender/core';

/** ISO 8583 response codes (field 39) as normalized decline reasons. */
const DECLINES: Readonly<Record<string, DeclineReason>> = {
  '05': 'do_not_honor',
  '13': 'limit_exceeded',
  '14': 'invalid_card',
  '1A': 'authentication_required',
  '51': 'insufficient_funds',
  '54': 'expired_card',
  '55': 'incorrect_cvc',
  N7: 'incorrect_cvc',
  '57': 'card_not_supported',
  '59': 'fraud_suspected',
  '61': 'limit_exceeded',
};

/** Codes that mean the bank side failed, not the card: safe to try another connection. */
const TECHNICAL = new Set(['91', '96', '92', '68', '06']);

/** The result of an answer; `networkReference` (the network's id of an approved payment, for stored credentials) only on approvals. */
export function resultOf(code: string | undefined, authorizationCode: string | undefined, rrn: string | undefined, networkReference?: string): BankResult {
  if (code === '00')
    return {
      kind: 'approved',
      authorizationCode: authorizationCode?.trimEnd(),
      rrn,
      bankReference: rrn,
      ...(networkReference === undefined ? {} : { networkReference }),
    };
  if (code === undefined)
    return { kind: 'technical_failure', reason: 'processing_error', rawCode: undefined, message: 'The bank answered without a response code.' };
  if (TECHNICAL.has(code))
    return { kind: 'technical_failure', reason: 'processing_error', rawCode: code, message: `The bank reported a malfunction (response code ${code}).` };
  const reason = DECLINES[code] ?? 'do_not_honor';
  return { kind: 'declined', reason, rawCode: code, message: `Declined by the bank (response code ${code}).` };
}
