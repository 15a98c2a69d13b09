import { TLSSocket } from 'node:tls';
import { Request } from 'express';

/**
 * The DER of the TLS client certificate, when this request came over TLS with one
 * (the gateway serving HTTPS itself asks every client for one, gateway-server.ts).
 * Unverified: a CertificateAuthenticator decides what it proves.
 *
 * @example
 * ```ts
 * const der = tlsClientCertificate(req); // undefined over plain HTTP
 * ```
 */
export function tlsClientCertificate(req: Request): Buffer | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.encrypted !== true || typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate(false) as { raw?: Buffer } | null;
  return peer?.raw instanceof Buffer && peer.raw.length > 0 ? peer.raw : undefined;
}
