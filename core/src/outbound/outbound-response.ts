import { IncomingHttpHeaders } from 'node:http';

/** Why a request that passed the address checks still brought no usable answer. */
export type OutboundFailure = 'connect_timeout' | 'timeout' | 'network' | 'response_cut' | 'response_invalid';

/**
 * A request the outbound client sent (or tried to) without a usable answer: no
 * connection in time, no complete answer before the deadline, a network error, an
 * answer cut off by the peer, or a body that is not what the caller needs.
 */
export class OutboundRequestError extends Error {
  constructor(
    readonly failure: OutboundFailure,
    message: string,
    readonly latencyMs: number,
  ) {
    super(message);
    this.name = 'OutboundRequestError';
  }
}

/**
 * An answer, read up to the policy's size limit. Redirects are answers like any
 * other (3xx status, `location` header): the client never follows them.
 *
 * @example
 * ```ts
 * const res = await client.request({ purpose: 'platform_api', livemode, url: jwksUrl });
 * if (res.ok) keys = res.json();
 * ```
 */
export class OutboundResponse {
  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: Buffer,
    /** The answer was longer than the limit: `body` holds its first bytes, the rest was never read. */
    readonly truncated: boolean,
    readonly latencyMs: number,
  ) {}

  /** A 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  text(): string {
    return this.body.toString('utf8');
  }

  /** The body as JSON; refuses a truncated body instead of parsing half a document. */
  json(): unknown {
    if (this.truncated) throw new OutboundRequestError('response_invalid', `the answer is larger than ${this.body.length} bytes`, this.latencyMs);
    try {
      return JSON.parse(this.text()) as unknown;
    } catch {
      throw new OutboundRequestError('response_invalid', 'the answer is not JSON', this.latencyMs);
    }
  }
}
