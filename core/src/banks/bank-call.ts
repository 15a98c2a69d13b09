import { Logger, maskPans } from '../logging/logger';
import { BankResult, InquiryResult } from './bank-adapter';

/**
 * Calls an adapter and never lets it throw past this point. An adapter that throws
 * may or may not have reached the bank, so the honest answer is `unknown`: the
 * operation stays pending and the reconciler settles it by inquiry.
 */
export async function callBank<R extends BankResult | InquiryResult>(logger: Logger, what: string, call: () => Promise<R>): Promise<R | { kind: 'unknown'; message: string }> {
  try {
    return await call();
  } catch (error) {
    const message = maskPans(error instanceof Error ? error.message : String(error)).slice(0, 300);
    logger.error({ operation: what, error: message }, 'bank adapter threw; outcome unknown');
    return { kind: 'unknown', message: `adapter error: ${message}` };
  }
}
