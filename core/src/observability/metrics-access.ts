import { timingSafeEqual, createHash } from 'node:crypto';
import { Request } from 'express';

/** Headers a reverse proxy adds: a request carrying one came through a proxy, whatever its socket says. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip'];

/** What `/metrics` answers a request: serve it, or refuse it as unauthenticated (401) or as if it did not exist (404). */
export type MetricsAccess = 'allow' | 'unauthorized' | 'hidden';

/**
 * Who may read `/metrics`. With TENDER_METRICS_TOKEN set: a request with
 * `Authorization: Bearer <token>`, from anywhere (compared in constant time).
 * Without it: only a direct loopback connection, one whose socket is 127.0.0.0/8
 * or ::1 and that carries no forwarding header, because a reverse proxy on the
 * same machine connects from loopback on behalf of anyone on the internet. The
 * socket's address is used, never `req.ip`, which TENDER_TRUST_PROXY derives from
 * headers a client can write. Everyone else gets a 404 as for any unknown path.
 *
 * @example
 * ```ts
 * metricsAccess(req, process.env.TENDER_METRICS_TOKEN); // 'allow' | 'unauthorized' | 'hidden'
 * ```
 */
export function metricsAccess(req: Request, token: string | undefined): MetricsAccess {
  if (token !== undefined) return bearerMatches(req.headers.authorization, token) ? 'allow' : 'unauthorized';
  return isDirectLoopback(req) ? 'allow' : 'hidden';
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header ?? '');
  if (match === null) return false;
  // Hashes of equal length, so the comparison time says nothing about the token's length either.
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

function isDirectLoopback(req: Request): boolean {
  if (FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
  const address = req.socket.remoteAddress ?? '';
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
