import { createHash, verify } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { CLOCK, CONFIG, AuthenticatedPayer, CertificateAuthenticationRequest, CertificateAuthenticator, Clock, TenderConfig, TenderError } from '@tender/core';
import { CertificateVerifier } from './certificate-verifier';

/** The HTTP header that carries the detached JWS. */
export const SIGNATURE_HEADER = 'tender-signature';

const protectedHeaderSchema = z.object({
  alg: z.string(),
  x5c: z.array(z.string().min(1)).min(1).optional(),
  iat: z.number().int().positive(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/),
  htm: z.string(),
  htu: z.string(),
});

/**
 * A request signed by the payer's app with its certificate's key: a JWS (RFC 7515)
 * with a detached payload (Appendix F) in the `Tender-Signature` header,
 * `<base64url(protected header)>..<base64url(signature)>`. The signing input is the
 * protected header and the exact request body bytes, so the body, the timestamp
 * (`iat`), the nonce and the target (`htm`, `htu`, as in DPoP) are all covered.
 * The certificate travels in the header's `x5c`. Only RS256: Tender's CA issues RSA
 * certificates. docs/payer-apps.md shows how to sign.
 */
@injectable()
export class SignedRequestAuthenticator implements CertificateAuthenticator {
  readonly code = 'signed_request';

  constructor(
    @inject(CertificateVerifier) private readonly verifier: CertificateVerifier,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
  ) {}

  presentIn(request: CertificateAuthenticationRequest): boolean {
    return request.headers[SIGNATURE_HEADER] !== undefined;
  }

  async authenticate(request: CertificateAuthenticationRequest): Promise<AuthenticatedPayer> {
    const value = String(request.headers[SIGNATURE_HEADER]);
    const match = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$/.exec(value.trim());
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new TenderError('signature_invalid', { message: 'Tender-Signature must be a detached JWS: <protected>..<signature> in base64url.' });
    }
    const encodedHeader = match[1];
    let header: z.output<typeof protectedHeaderSchema>;
    try {
      header = protectedHeaderSchema.parse(JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')));
    } catch {
      throw new TenderError('signature_invalid', { message: 'The JWS protected header must be JSON with alg, x5c, iat, nonce, htm and htu.' });
    }
    const leaf = header.x5c?.[0];
    if (leaf === undefined) throw new TenderError('certificate_missing', { message: 'The JWS header carries no certificate (x5c).' });
    const payer = await this.verifier.verify(Buffer.from(leaf, 'base64'));
    if (header.alg !== 'RS256') throw new TenderError('signature_invalid', { message: 'Only alg RS256 is accepted.' });
    const signingInput = Buffer.concat([Buffer.from(`${encodedHeader}.`), Buffer.from(request.rawBody.toString('base64url'))]);
    if (!verify('sha256', signingInput, payer.x509.publicKey, Buffer.from(match[2], 'base64url'))) throw new TenderError('signature_invalid');
    if (header.htm.toUpperCase() !== request.method.toUpperCase() || header.htu !== request.path) {
      throw new TenderError('signature_invalid', { message: 'The signature was made for another request (htm/htu do not match).' });
    }
    const now = this.clock.now();
    const maxAge = this.config.certificates.signatureMaxAgeMs;
    if (Math.abs(now - header.iat * 1000) > maxAge) throw new TenderError('signature_stale');
    return {
      payerId: payer.payerId,
      accountId: payer.accountId,
      certificateSerial: payer.serial,
      method: this.code,
      // Kept until a replay would be refused as stale anyway.
      nonce: { hash: createHash('sha256').update(`${payer.serial}:${header.nonce}`).digest('hex'), expiresAt: header.iat * 1000 + maxAge },
    };
  }
}
