import { IncomingHttpHeaders } from 'node:http';
import { TenderError } from '../errors/tender-error';

/** What an authenticator may look at: the request as received, before any JSON parsing changed it. */
export interface CertificateAuthenticationRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/pay-account/AbC.../confirm`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** DER of the TLS client certificate, when the connection is TLS and the client sent one. */
  readonly tlsClientCertificate: Buffer | undefined;
}

/** The verified payer identity every authenticator returns. */
export interface AuthenticatedPayer {
  readonly payerId: string;
  /** The account the certificate is bound to. */
  readonly accountId: string;
  readonly certificateSerial: string;
  /** Which authenticator proved it (its code). */
  readonly method: string;
  /** A signed request's nonce, to be claimed in the payment's own transaction (replays fail there). */
  readonly nonce: { readonly hash: string; readonly expiresAt: number } | undefined;
}

/**
 * EXTENSION POINT: proves who a payer is from a client certificate that the
 * operator's CA issued. An authenticator says whether a request carries its kind of
 * proof (`presentIn`) and, if so, verifies it completely or throws a 401
 * TenderError (certificate_expired, certificate_revoked, signature_invalid, ...).
 *
 * @example
 * ```ts
 * class HeaderTokenAuthenticator implements CertificateAuthenticator {
 *   readonly code = 'my_scheme';
 *   presentIn(req: CertificateAuthenticationRequest): boolean { return req.headers['x-my-proof'] !== undefined; }
 *   async authenticate(req: CertificateAuthenticationRequest): Promise<AuthenticatedPayer> {
 *     const payer = await this.verifier.verify(certificateFrom(req));
 *     return { payerId: payer.payerId, accountId: payer.accountId, certificateSerial: payer.serial, method: this.code, nonce: undefined };
 *   }
 * }
 * ```
 */
export interface CertificateAuthenticator {
  readonly code: string;
  presentIn(request: CertificateAuthenticationRequest): boolean;
  authenticate(request: CertificateAuthenticationRequest): Promise<AuthenticatedPayer>;
}

export const CERTIFICATE_AUTHENTICATOR = Symbol('CertificateAuthenticator');

/**
 * The registered authenticators, tried in registration order: the first whose
 * proof is present decides. No proof at all is `certificate_missing`.
 */
export class CertificateAuthenticatorRegistry {
  private readonly byCode = new Map<string, CertificateAuthenticator>();

  constructor(authenticators: readonly CertificateAuthenticator[]) {
    for (const a of authenticators) {
      if (this.byCode.has(a.code)) throw new Error(`two certificate authenticators share the code '${a.code}'`);
      this.byCode.set(a.code, a);
    }
  }

  codes(): string[] {
    return [...this.byCode.keys()];
  }

  /** The authenticator with this code (a form post proven by the TLS handshake only asks that one). */
  find(code: string): CertificateAuthenticator | undefined {
    return this.byCode.get(code);
  }

  async authenticate(request: CertificateAuthenticationRequest): Promise<AuthenticatedPayer> {
    for (const a of this.byCode.values()) {
      if (a.presentIn(request)) return a.authenticate(request);
    }
    throw new TenderError('certificate_missing');
  }
}
