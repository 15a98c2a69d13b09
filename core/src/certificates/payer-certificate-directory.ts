/**
 * SEAM: what core reads of the operator's payer CA and the certificates it issued,
 * provided by the plugin that owns them (@tender/plugin-accounts registers it in the
 * container under PAYER_CERTIFICATE_DIRECTORY). The TLS server names the CA in its
 * handshake so browsers offer the right certificate; the console lists the
 * certificates. Without a provider the server asks for no client certificate and
 * the console says the CA is not installed.
 *
 * @example
 * ```ts
 * ctx.container.register(PAYER_CERTIFICATE_DIRECTORY, { useValue: new MyCaDirectory() });
 * const pem = await directory.activeCaPem(); // undefined before a CA exists
 * ```
 */
export interface PayerCertificateDirectory {
  /** The active CA certificate (PEM), or undefined before one exists. */
  activeCaPem(): Promise<string | undefined>;
  /** The active CA as the console shows it. */
  activeCa(): Promise<PayerCaSummary | undefined>;
  /** Issued certificates, newest first. */
  list(filter: {
    readonly payerId?: string | undefined;
    readonly status?: 'valid' | 'revoked' | undefined;
    readonly limit: number;
  }): Promise<PayerCertificateSummary[]>;
}

export interface PayerCaSummary {
  readonly id: string;
  /** Subject, one attribute per line (node's X509Certificate.subject). */
  readonly subject: string;
  readonly notAfter: number;
  readonly crlNumber: number;
}

export interface PayerCertificateSummary {
  /** Upper-case hex without separators. */
  readonly serial: string;
  readonly payerId: string;
  readonly accountId: string;
  readonly subject: string;
  readonly fingerprintSha256: string;
  readonly issuedFrom: 'csr' | 'pkcs12';
  readonly notAfter: number;
  readonly status: 'valid' | 'revoked';
  readonly revocationReason: string | null;
  readonly revokedAt: number | null;
}

export const PAYER_CERTIFICATE_DIRECTORY = Symbol('PayerCertificateDirectory');
