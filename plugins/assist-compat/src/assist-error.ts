import { TenderError } from '@tender/core';

/**
 * Assist answers a refused request with a result whose firstcode is not 0 and whose
 * secondcode says what was wrong; shop modules treat any non-zero firstcode as a
 * failure. The numbering below is Tender's (documented in docs/assist-migration.md):
 * 2 = access, 5 = request parameters, 7 = the operation was refused, 9 = system.
 *
 * @example
 * ```ts
 * throw new AssistError('checkvalue_invalid');
 * ```
 */
export const ASSIST_ERRORS = {
  merchant_unknown: { firstcode: 2, secondcode: 1, message: 'Unknown Merchant_ID, or the Assist protocol is not enabled for it.' },
  credentials_invalid: { firstcode: 2, secondcode: 2, message: 'Wrong Login or Password.' },
  credentials_locked: { firstcode: 2, secondcode: 3, message: 'Too many wrong Login or Password; try again in 15 minutes.' },
  parameter_invalid: { firstcode: 5, secondcode: 100, message: 'A parameter is missing or invalid.' },
  amount_invalid: { firstcode: 5, secondcode: 101, message: 'The amount is not a positive decimal with at most as many decimals as the currency has.' },
  currency_unsupported: { firstcode: 5, secondcode: 102, message: 'The currency is not supported.' },
  checkvalue_invalid: { firstcode: 5, secondcode: 103, message: 'Wrong Checkvalue.' },
  checkvalue_missing: { firstcode: 5, secondcode: 104, message: 'Checkvalue is required for this merchant.' },
  format_unsupported: { firstcode: 5, secondcode: 105, message: 'Format must be 1 (CSV), 3 (XML) or 5 (JSON).' },
  operation_unknown: { firstcode: 5, secondcode: 106, message: 'No such Assist operation here.' },
  payment_not_found: { firstcode: 7, secondcode: 400, message: 'No such payment (AS400).' },
  invalid_state: { firstcode: 7, secondcode: 1, message: "The operation is not possible in the order's current state." },
  amount_too_large: { firstcode: 7, secondcode: 2, message: 'The amount is larger than what can be charged or returned.' },
  bank_declined: { firstcode: 7, secondcode: 3, message: 'The bank declined the operation.' },
  merchant_unavailable: {
    firstcode: 7,
    secondcode: 4,
    message: 'The merchant cannot take payments now (suspended, not live, or its test mode has ended); nothing was charged.',
  },
  bank_unavailable: { firstcode: 9, secondcode: 1, message: 'The bank could not complete the operation now (AS998).' },
  system_error: { firstcode: 9, secondcode: 0, message: 'System error (AS998).' },
  // One order number, one payment; per-merchant limits; rp.cfm (issue 21 items 5, 7, 8).
  order_paid: { firstcode: 7, secondcode: 5, message: 'This OrderNumber is already paid; an order is paid once. Use a new OrderNumber for a new payment.' },
  order_changed: {
    firstcode: 7,
    secondcode: 6,
    message:
      "This OrderNumber was posted before with other terms; an order's amount, currency and Delay cannot change. Post it unchanged, or use a new OrderNumber.",
  },
  order_closed: { firstcode: 7, secondcode: 7, message: 'This OrderNumber was canceled; use a new OrderNumber.' },
  return_url_refused: {
    firstcode: 5,
    secondcode: 107,
    message: 'The return URL points to a host the merchant has not listed in its Assist settings (return_url_hosts).',
  },
  recurring_unavailable: { firstcode: 7, secondcode: 8, message: 'Recurring payments (rp.cfm) are not available: this gateway does not keep saved cards.' },
  recurring_not_allowed: {
    firstcode: 7,
    secondcode: 9,
    message:
      'The first order did not save its card for recurring payments, the card is no longer saved, or the payment is outside the limits agreed with the buyer.',
  },
} as const;

export type AssistErrorCode = keyof typeof ASSIST_ERRORS;

export class AssistError extends Error {
  readonly firstcode: number;
  readonly secondcode: number;

  constructor(
    readonly code: AssistErrorCode,
    detail?: string,
  ) {
    const def = ASSIST_ERRORS[code];
    super(detail === undefined ? def.message : `${def.message} ${detail}`);
    this.firstcode = def.firstcode;
    this.secondcode = def.secondcode;
  }
}

/** What a core service's refusal means in Assist's terms; anything unexpected is a system error. */
export function toAssistError(error: unknown): AssistError {
  if (error instanceof AssistError) return error;
  if (!(error instanceof TenderError)) return new AssistError('system_error');
  switch (error.code) {
    case 'resource_not_found':
      return new AssistError('payment_not_found');
    case 'payment_invalid_state':
    case 'payment_operation_in_progress':
      return new AssistError('invalid_state', error.message);
    case 'amount_too_large':
      // Core's message counts minor units; the Assist operations check amounts first and say it in major units.
      return new AssistError('amount_too_large');
    case 'bank_declined':
      return new AssistError('bank_declined', error.message);
    case 'merchant_suspended':
    case 'merchant_not_live':
    case 'test_mode_expired':
      return new AssistError('merchant_unavailable', error.message);
    case 'bank_unavailable':
    case 'bank_outcome_unknown':
      return new AssistError('bank_unavailable', error.message);
    default:
      return new AssistError('parameter_invalid', error.message);
  }
}
