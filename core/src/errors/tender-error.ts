import { ERROR_CATALOGUE, ErrorCode, ErrorType } from './error-catalogue';

/**
 * The only error type that crosses Tender's HTTP boundary with its own message.
 * Anything else becomes `internal_error` and is logged.
 *
 * @example
 * ```ts
 * throw new TenderError('parameter_invalid', {
 *   param: 'payment_method.card.number',
 *   message: 'The card number fails the Luhn check.',
 * });
 * ```
 */
export class TenderError extends Error {
  readonly code: ErrorCode;
  readonly type: ErrorType;
  readonly status: number;
  readonly param: string | undefined;

  constructor(code: ErrorCode, options: { message?: string; param?: string } = {}) {
    const definition = ERROR_CATALOGUE[code];
    super(options.message ?? definition.message);
    this.name = 'TenderError';
    this.code = code;
    this.type = definition.type;
    this.status = definition.status;
    this.param = options.param;
  }

  toJSON(): { error: { type: ErrorType; code: ErrorCode; message: string; param?: string } } {
    return {
      error: {
        type: this.type,
        code: this.code,
        message: this.message,
        ...(this.param === undefined ? {} : { param: this.param }),
      },
    };
  }
}

/** Shorthand for the 404 that hides whether an object exists at all. */
export function notFound(what: string, id: string): TenderError {
  return new TenderError('resource_not_found', { message: `No such ${what}: '${id}'.` });
}
