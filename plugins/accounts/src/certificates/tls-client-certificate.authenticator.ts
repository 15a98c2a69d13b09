import { inject, injectable } from 'tsyringe';
import { AuthenticatedPayer, CertificateAuthenticationRequest, CertificateAuthenticator } from '@tender/core';
import { CertificateVerifier } from './certificate-verifier';

/**
 * The payer's browser or app presented a client certificate in the TLS handshake
 * with the gateway itself (TENDER_TLS_CERT_FILE/KEY_FILE). The server asks for a
 * certificate but does not let OpenSSL judge it (rejectUnauthorized: false): the
 * same verifier as for signed requests decides, so the answers are the catalogue's
 * 401 codes instead of a dropped connection. The handshake proves possession of the
 * key; its freshness makes a nonce unnecessary.
 */
@injectable()
export class TlsClientCertificateAuthenticator implements CertificateAuthenticator {
  readonly code = 'tls_client_certificate';

  constructor(@inject(CertificateVerifier) private readonly verifier: CertificateVerifier) {}

  presentIn(request: CertificateAuthenticationRequest): boolean {
    return request.tlsClientCertificate !== undefined;
  }

  async authenticate(request: CertificateAuthenticationRequest): Promise<AuthenticatedPayer> {
    const der = request.tlsClientCertificate ?? Buffer.alloc(0);
    const payer = await this.verifier.verify(der);
    return { payerId: payer.payerId, accountId: payer.accountId, certificateSerial: payer.serial, method: this.code, nonce: undefined };
  }
}
