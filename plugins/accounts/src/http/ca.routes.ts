import { Request, Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import { CertificateAuthority } from '../certificates/certificate-authority';
import { CrlPublisher } from '../certificates/crl-publisher';
import { CA_CERTIFICATE_DER_PATH, CA_CERTIFICATE_PATH, CRL_PATH } from '../certificates/ca-urls';
import { derToPem } from '../certificates/x509';
import { parseInput } from '@tender/core';

// Other query parameters (cache busters) are ignored; `format` must be one of the two.
const querySchema = z.object({ format: z.enum(['pem', 'der']).optional() });

/** PEM when asked for by `?format=pem` or an Accept header naming PEM; DER otherwise. */
function wantsPem(req: Request): boolean {
  const { format } = parseInput(querySchema, req.query);
  if (format !== undefined) return format === 'pem';
  return /application\/x-pem-file|text\/plain/.test(req.headers.accept ?? '');
}

function send(res: Response, der: Buffer, pem: boolean, derType: string, label: string): void {
  if (pem) res.type('application/x-pem-file').send(derToPem(der, label));
  else res.type(derType).send(der);
}

/**
 * Public: the operator's CA certificate and its CRL, for anyone who verifies payer
 * certificates (banks, the payers' apps, OpenSSL). Payer certificates name
 * `/ca/crl` (CRL distribution point) and `/ca/certificate.cer` (AIA caIssuers).
 */
export function caRoutes(container: ServiceResolver): Router {
  const router = Router();
  const authority = container.resolve(CertificateAuthority);
  const crls = container.resolve(CrlPublisher);

  router.get(CA_CERTIFICATE_PATH, async (req, res) => {
    const ca = await authority.require();
    res.setHeader('Cache-Control', 'public, max-age=3600');
    const { format } = parseInput(querySchema, req.query);
    send(
      res,
      ca.x509.raw,
      format === undefined ? !/application\/pkix-cert/.test(req.headers.accept ?? '') : format === 'pem',
      'application/pkix-cert',
      'CERTIFICATE',
    );
  });

  // The address in every payer certificate's AIA: DER, whatever the client accepts.
  router.get(CA_CERTIFICATE_DER_PATH, async (_req, res) => {
    const ca = await authority.require();
    res.setHeader('Cache-Control', 'public, max-age=3600');
    send(res, ca.x509.raw, false, 'application/pkix-cert', 'CERTIFICATE');
  });

  router.get(CRL_PATH, async (req, res) => {
    const der = await crls.currentDer();
    res.setHeader('Cache-Control', 'no-cache');
    send(res, der, wantsPem(req), 'application/pkix-crl', 'X509 CRL');
  });

  return router;
}
