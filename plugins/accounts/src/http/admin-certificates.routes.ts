import { Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import { DATABASE, Database, fields, notFound, parseInput, TenderError, textRule } from '@tender/core';
import { CaAlreadyExistsError, CertificateAuthority } from '../certificates/certificate-authority';
import { CertificateIssuer } from '../certificates/certificate-issuer';
import { CertificateRepository, certificateView } from '../certificates/certificate.repository';
import { REVOCATION_REASONS, RevocationReason } from '../certificates/crl-builder';
import { PayerService, accountSchema, createPayerSchema } from '../certificates/payer.service';
import { AccountPaymentSettings } from '../account/account-payment-settings';

const initCaSchema = z
  .object({
    common_name: z.string().trim().min(1).max(64).superRefine(textRule('line')),
    organization: z.string().trim().min(1).max(64).superRefine(textRule('line')).optional(),
  })
  .strict();

const issueSchema = z
  .object({
    payer_id: fields.id('pyr'),
    account_id: fields.id('acct'),
    csr: z.string().min(1).max(20_000).optional(),
    password: z.string().min(8).max(200).optional(),
    validity_days: z.number().int().min(1).max(3650).optional(),
  })
  .strict()
  .refine((b) => (b.csr === undefined) !== (b.password === undefined), {
    message: 'send either csr (the payer keeps the key) or password (Tender makes a PKCS#12)',
    path: ['csr'],
  });

const listSchema = z.object({ payer_id: fields.id('pyr').optional(), status: z.enum(['valid', 'revoked']).optional(), limit: fields.limit }).strict();
const serialField = z.string().regex(/^[0-9a-fA-F]{1,40}$/, 'must be a hex serial number');
const revokeSchema = z.object({ reason: z.enum(Object.keys(REVOCATION_REASONS) as [RevocationReason, ...RevocationReason[]]).default('unspecified') }).strict();
const settingSchema = z.object({ enabled: z.boolean() }).strict();

/**
 * Operator API for certificate authentication: the CA, payers and their accounts,
 * certificates (issue, inventory, revoke) and the merchant setting
 * `account_payments_enabled`.
 */
export function adminCertificateRoutes(container: ServiceResolver): Router {
  const router = Router();
  const authority = container.resolve(CertificateAuthority);
  const issuer = container.resolve(CertificateIssuer);
  const certificates = container.resolve(CertificateRepository);
  const payers = container.resolve(PayerService);
  const settings = container.resolve(AccountPaymentSettings);
  const db = container.resolve<Database>(DATABASE);

  router.post('/ca', async (req, res) => {
    const input = parseInput(initCaSchema, req.body);
    try {
      const ca = await authority.init({ commonName: input.common_name, organization: input.organization });
      res.status(201).json({ object: 'certificate_authority', id: ca.id, subject: ca.x509.subject.split('\n').join(','), certificate_pem: ca.certificatePem });
    } catch (error) {
      if (error instanceof CaAlreadyExistsError) throw new TenderError('certificate_authority_exists');
      throw error;
    }
  });

  router.get('/ca', async (_req, res) => {
    const ca = await authority.require();
    res.json({
      object: 'certificate_authority',
      id: ca.id,
      subject: ca.x509.subject.split('\n').join(','),
      not_after: new Date(ca.x509.validTo).toISOString(),
      crl_number: ca.crlNumber,
      certificate_pem: ca.certificatePem,
    });
  });

  router.post('/payers', async (req, res) => {
    res.status(201).json(await payers.create(parseInput(createPayerSchema, req.body)));
  });

  router.get('/payers/:id', async (req, res) => {
    res.json(await payers.retrieve(parseInput(fields.id('pyr'), req.params.id)));
  });

  router.post('/payers/:id/accounts', async (req, res) => {
    const id = parseInput(fields.id('pyr'), req.params.id);
    res.status(201).json(await payers.addAccount(id, parseInput(accountSchema, req.body)));
  });

  router.post('/payers/:id/accounts/:account/close', async (req, res) => {
    const id = parseInput(fields.id('pyr'), req.params.id);
    const account = parseInput(fields.id('acct'), req.params.account);
    parseInput(z.object({}).strict(), req.body ?? {});
    res.json(await payers.closeAccount(id, account));
  });

  router.post('/certificates', async (req, res) => {
    const input = parseInput(issueSchema, req.body);
    const target = { payerId: input.payer_id, accountId: input.account_id, validityDays: input.validity_days };
    if (input.csr !== undefined) {
      res.status(201).json(certificateView(await issuer.issueFromCsr(target, input.csr)));
      return;
    }
    const bundle = await issuer.issueWithKeyPair(target, input.password ?? '');
    res.status(201).json({ ...certificateView(bundle.certificate), pkcs12: bundle.pkcs12.toString('base64') });
  });

  router.get('/certificates', async (req, res) => {
    const query = parseInput(listSchema, req.query);
    const list = await certificates.list(db, { payerId: query.payer_id, status: query.status, limit: query.limit });
    res.json({ object: 'list', data: list.map(certificateView) });
  });

  router.get('/certificates/:serial', async (req, res) => {
    const serial = parseInput(serialField, req.params.serial);
    const record = await certificates.findBySerial(db, serial);
    if (record === undefined) throw notFound('certificate', serial);
    res.json(certificateView(record));
  });

  router.post('/certificates/:serial/revoke', async (req, res) => {
    const serial = parseInput(serialField, req.params.serial);
    const input = parseInput(revokeSchema, req.body ?? {});
    res.json(certificateView(await issuer.revoke(serial, input.reason)));
  });

  router.post('/merchants/:id/account-payments', async (req, res) => {
    const id = parseInput(fields.id('mer'), req.params.id);
    const input = parseInput(settingSchema, req.body);
    res.json(await settings.set(id, input.enabled));
  });

  router.get('/merchants/:id/account-payments', async (req, res) => {
    const id = parseInput(fields.id('mer'), req.params.id);
    if ((await db('merchants').where({ id }).first()) === undefined) throw notFound('merchant', id);
    res.json({ merchant_id: id, account_payments_enabled: await settings.enabled(db, id) });
  });

  return router;
}
