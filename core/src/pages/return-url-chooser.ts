import { Payment } from '../payments/payment';

/** How the buyer's visit ended, as far as the way back to the shop is concerned. */
export type ReturnOutcome = 'success' | 'failure';

/**
 * EXTENSION POINT: picks the shop URL the hosted page sends the buyer back to, per
 * outcome, for payments whose protocol has more than one (for example Assist's
 * URL_RETURN_OK / URL_RETURN_NO). Answer `undefined` to leave the payment's
 * `return_url`. Whatever is chosen is signed like `return_url` (docs/hosted-page.md).
 * Plugins register one with `ctx.registerReturnUrlChooser`; the first that answers wins.
 *
 * @example
 * ```ts
 * ctx.registerReturnUrlChooser({
 *   returnUrlFor: (payment, outcome) => payment.metadata[outcome === 'success' ? 'ok_url' : 'fail_url'],
 * });
 * ```
 */
export interface ReturnUrlChooser {
  returnUrlFor(payment: Payment, outcome: ReturnOutcome): string | undefined;
}

export const RETURN_URL_CHOOSER = Symbol('ReturnUrlChooser');

/** The registered choosers, in registration order (empty when no plugin registers one). */
export class ReturnUrlChoosers {
  constructor(private readonly choosers: readonly ReturnUrlChooser[]) {}

  /** The URL for this outcome, else the payment's `return_url`; only http(s) URLs are used. */
  returnUrlFor(payment: Payment, outcome: ReturnOutcome): string | null {
    for (const chooser of this.choosers) {
      const url = chooser.returnUrlFor(payment, outcome);
      if (url !== undefined && isHttpUrl(url)) return url;
    }
    return payment.returnUrl;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
