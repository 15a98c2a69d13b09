import { Payment, ReturnOutcome, ReturnUrlChooser } from '@tender/core';

/**
 * Assist's way back to the shop: URL_RETURN_OK after a successful payment,
 * URL_RETURN_NO after a failed or abandoned one, else URL_RETURN (the payment's
 * `return_url`, which the core uses when this answers nothing). The two URLs were
 * kept in the payment's metadata when /pay/order.cfm created it.
 *
 * @example
 * ```ts
 * assistReturnUrls.returnUrlFor(payment, 'success'); // metadata.assist_url_return_ok, or undefined
 * ```
 */
export const assistReturnUrls: ReturnUrlChooser = {
  returnUrlFor(payment: Payment, outcome: ReturnOutcome): string | undefined {
    return payment.metadata[outcome === 'success' ? 'assist_url_return_ok' : 'assist_url_return_no'];
  },
};
