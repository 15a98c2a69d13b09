import { ErrorCode } from '../errors/error-catalogue';
import { TenderError } from '../errors/tender-error';

/** Why the outbound guard would not send a request to a URL. */
export type RefusalReason = 'url_invalid' | 'scheme_unsupported' | 'credentials' | 'points_to_gateway' | 'private_address' | 'unresolvable';

/**
 * A URL or an address the outbound guard refuses, at registration or at connect
 * time. `message` says what and why, for the caller's log or error.
 *
 * @example
 * ```ts
 * try { await guard.check(url, { allowPrivate: false }); }
 * catch (e) { if (e instanceof OutboundRefusal) throw e.toTenderError('url'); }
 * ```
 */
export class OutboundRefusal extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRefusal';
  }

  /** The API error for a URL a merchant or operator submitted as `param`. */
  toTenderError(param: string): TenderError {
    return new TenderError(REFUSAL_CODES[this.reason], { param, message: this.message });
  }
}

const REFUSAL_CODES: Record<RefusalReason, ErrorCode> = {
  url_invalid: 'parameter_invalid',
  scheme_unsupported: 'webhook_url_scheme_unsupported',
  credentials: 'parameter_invalid',
  points_to_gateway: 'webhook_url_points_to_gateway',
  private_address: 'webhook_url_private_address',
  unresolvable: 'webhook_url_unresolvable',
};
