import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** An answer as one exchange collected it. */
export interface CollectedAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The answer was longer than `maxBytes`: `body` holds its first bytes, the connection was closed. */
  readonly truncated: boolean;
}

/** Why an exchange brought no answer: `answered` says whether the status line had arrived. */
export class ExchangeFailure extends Error {
  constructor(
    readonly cause: unknown,
    readonly answered: boolean,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'ExchangeFailure';
  }
}

/**
 * Sends one request on an undici dispatcher and collects its answer up to
 * `maxBytes`, within `timeoutMs` from the call: the deadline covers waiting for a
 * connection, the request, and every byte of the answer (an answer that drips never
 * outlives it). Past `maxBytes` the rest is not read and the connection is closed.
 *
 * It drives undici's handler interface directly rather than `request()`, which
 * wraps every answer in a Readable stream and every deadline in an AbortSignal:
 * for the many small webhook POSTs that wrapping cost more CPU than the request.
 *
 * Resolves with the answer; rejects with the `onTimeout()` error at the deadline,
 * or with an ExchangeFailure (the cause as undici reported it: a refused or failed
 * connection, a broken answer).
 *
 * @example
 * ```ts
 * const answer = await exchange(agent, { origin: 'https://shop.example', path: '/hooks', method: 'POST', body }, { maxBytes: 65536, timeoutMs: 10_000, onTimeout: () => new Error('late') });
 * ```
 */
export function exchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  limits: { readonly maxBytes: number; readonly timeoutMs: number; readonly onTimeout: () => Error },
): Promise<CollectedAnswer> {
  return new Promise<CollectedAnswer>((resolve, reject) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let lateReason: Error | undefined;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (truncated: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), truncated });
    };
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => {
      lateReason = limits.onTimeout();
      fail(lateReason);
      // Before the request reached a connection there is no controller yet: it is
      // aborted as soon as it gets one (onRequestStart).
      controller?.abort(lateReason);
    }, limits.timeoutMs);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (lateReason !== undefined) c.abort(lateReason);
      },
      onResponseStart(_c, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders;
      },
      onResponseData(c, chunk) {
        if (settled) return;
        const room = limits.maxBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          finish(true);
          c.abort(new Error('answer longer than the limit: not read further'));
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      },
      onResponseEnd() {
        finish(false);
      },
      onResponseError(_c, error) {
        fail(new ExchangeFailure(error, status !== 0));
      },
    };
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      fail(new ExchangeFailure(error, false));
    }
  });
}
