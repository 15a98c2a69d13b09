import { Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import { CLOCK, Clock, PAYER_CERTIFICATE_DIRECTORY, PayerCertificateDirectory, requireWebRole } from '@tender/core';
import { renderConsole, utc } from './console-page';

const LIMIT = 100;
const SOON_MS = 30 * 86_400_000;
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const filterSchema = z
  .object({ status: optional(z.enum(['valid', 'revoked'])), payer: optional(z.string().regex(/^pyr_[0-9A-Za-z]{1,40}$/, 'must be a payer id (pyr_...)')) })
  .strip();

/**
 * /console/certificates: the operator's CA and the payer certificates it issued
 * (newest first), read-only, from the plugin that provides them
 * (PayerCertificateDirectory, @tender/plugin-accounts); without one, no CA.
 */
export function consoleCertificatesRouter(container: ServiceResolver): Router {
  const router = Router();
  const clock = container.resolve<Clock>(CLOCK);
  const directory = optionalDirectory(container);
  router.use(requireWebRole('operator'));

  router.get('/', async (req, res) => {
    const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const parsed = filterSchema.safeParse(raw);
    const errors = parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'form'), i.message]));
    const q = parsed.success ? parsed.data : {};
    const ca = await directory?.activeCa();
    const now = clock.now();
    const rows = parsed.success && directory !== undefined ? await directory.list({ payerId: q.payer, status: q.status, limit: LIMIT }) : [];
    renderConsole(
      res,
      'certificates',
      {
        title: 'console.certificates.title',
        filter: raw,
        errors,
        ca: ca === undefined ? null : { id: ca.id, subject: ca.subject.split('\n').join(', '), notAfter: utc(ca.notAfter), crlNumber: ca.crlNumber },
        certificates: rows.map((c) => ({
          serial: c.serial,
          payerId: c.payerId,
          accountId: c.accountId,
          subject: c.subject,
          fingerprint: c.fingerprintSha256,
          issuedFrom: c.issuedFrom,
          notAfter: utc(c.notAfter),
          status: c.status,
          revoked: c.status === 'revoked',
          expired: c.status === 'valid' && c.notAfter <= now,
          expiresSoon: c.status === 'valid' && c.notAfter > now && c.notAfter - now <= SOON_MS,
          revocationReason: c.revocationReason,
          revokedAt: utc(c.revokedAt),
        })),
        limited: rows.length === LIMIT,
      },
      parsed.success ? undefined : 400,
    );
  });

  return router;
}

/** The payer-certificate directory when a plugin provides one (@tender/plugin-accounts); the resolver throws for a token nobody registered. */
function optionalDirectory(container: ServiceResolver): PayerCertificateDirectory | undefined {
  try {
    return container.resolve<PayerCertificateDirectory>(PAYER_CERTIFICATE_DIRECTORY);
  } catch {
    return undefined;
  }
}
