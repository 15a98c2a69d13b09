/**
 * Errors the client throws. An API error carries the catalogue's `type`, `code`,
 * `message` and `param` (docs/errors.md) and the HTTP status.
 *
 * @example
 * ```ts
 * try { await tender.payments.capture(id); }
 * catch (e) { if (e instanceof TenderApiError && e.code === 'payment_invalid_state') { ... } }
 * ```
 */
export class TenderApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly param: string | undefined,
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.name = 'TenderApiError';
  }
}

/** The request never got an answer (after the client's retries). */
export class TenderConnectionError extends Error {
  constructor(message: string, readonly cause: unknown) {
    super(message);
    this.name = 'TenderConnectionError';
  }
}
