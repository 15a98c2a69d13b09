import { Logger, maskPans } from '../logging/logger';
import { BankResult, InquiryResult } from './bank-adapter';

/** Which bank a call went to, for metrics: the adapter's code and, when routing chose one, the connection's id. */
export interface BankCallTarget {
  readonly adapter: string;
  readonly connection?: string | undefined;
}

/** One finished bank call as metrics see it. */
export interface BankCallRecord extends BankCallTarget {
  readonly operation: string;
  /** The answer's kind: approved, declined, technical_failure, action_required, unknown, not_found (an inquiry). */
  readonly outcome: string;
  readonly seconds: number;
}

/**
 * Told of every bank call (core/src/observability/metrics.ts counts them).
 *
 * @example
 * ```ts
 * const observer: BankCallObserver = { bankCall: (r) => console.log(r.operation, r.outcome, r.seconds) };
 * ```
 */
export interface BankCallObserver {
  bankCall(record: BankCallRecord): void;
}

/**
 * Calls an adapter and never lets it throw past this point. An adapter that throws
 * may or may not have reached the bank, so the honest answer is `unknown`: the
 * operation stays pending and the reconciler settles it by inquiry. With `watch`,
 * the call's outcome and latency are reported to its observer.
 */
export async function callBank<R extends BankResult | InquiryResult>(
  logger: Logger,
  what: string,
  call: () => Promise<R>,
  watch?: { readonly observer: BankCallObserver; readonly target: BankCallTarget },
): Promise<R | { kind: 'unknown'; message: string }> {
  const started = process.hrtime.bigint();
  const answer = await answerOf(logger, what, call);
  watch?.observer.bankCall({ ...watch.target, operation: what, outcome: answer.kind, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
  return answer;
}

async function answerOf<R extends BankResult | InquiryResult>(
  logger: Logger,
  what: string,
  call: () => Promise<R>,
): Promise<R | { kind: 'unknown'; message: string }> {
  try {
    return await call();
  } catch (error) {
    const message = maskPans(error instanceof Error ? error.message : String(error)).slice(0, 300);
    logger.error({ operation: what, error: message }, 'bank adapter threw; outcome unknown');
    return { kind: 'unknown', message: `adapter error: ${message}` };
  }
}
