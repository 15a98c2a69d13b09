import express, { Router } from 'express';
import { z } from 'zod';
import { CONFIG, TenderConfig, TenderError, assertAcceptableBody, jsonBody, parseInput, textRule, ServiceResolver } from '@tender/core';
import { SALEOR_WEBHOOKS, saleorManifest } from './saleor-manifest';
import { SaleorInstallationService } from './saleor-installation.service';
import { SaleorSignatureVerifier } from './saleor-signature.verifier';
import { SaleorTransactionService } from './saleor-transaction.service';
import { actionPayloadSchema, deleteStoredPaymentMethodSchema, listStoredPaymentMethodsSchema, sessionPayloadSchema } from './saleor-payloads';
import { SaleorSavedCards } from './saleor-saved-cards';

const registerSchema = z.object({ auth_token: z.string().min(1).max(2000).superRefine(textRule('identifier')) });

/** The install secret of a declaration's manifest URL, passed on to the register URL. */
const installSchema = z.string().regex(/^sis_[A-Za-z0-9_-]{43}$/);

/**
 * What Saleor calls (mounted at /saleor): the manifest, register, the five sync
 * transaction webhooks and the two stored-payment-method ones. Webhook bodies are read raw: the signature covers the exact
 * bytes. Nothing is read from the body before the signature has been checked.
 *
 * The manifest fetched with `?install=<secret>` (the URL a declaration returns) names
 * `register?install=<secret>` as its token target, so Saleor's register call carries
 * the secret of the declaration it installs; without it, register refuses.
 */
export function saleorAppRoutes(container: ServiceResolver, verifier: SaleorSignatureVerifier): Router {
  // Resolved at request time: the core's services are registered after the plugins.
  const installations = (): SaleorInstallationService => container.resolve(SaleorInstallationService);
  const transactions = (): SaleorTransactionService => container.resolve(SaleorTransactionService);
  const savedCards = (): SaleorSavedCards => container.resolve(SaleorSavedCards);
  const router = Router();

  router.get('/manifest', (req, res) => {
    const install = req.query.install === undefined ? undefined : installSchema.safeParse(req.query.install);
    if (install !== undefined && !install.success)
      throw new TenderError('parameter_invalid', {
        param: 'install',
        message: 'This install link is damaged; copy the manifest URL again from the declaration.',
      });
    res.json(saleorManifest(container.resolve<TenderConfig>(CONFIG).publicUrl, install?.data));
  });

  router.post('/register', jsonBody({ limit: '16kb' }), async (req, res) => {
    const apiUrl = saleorApiUrlOf(req.header('saleor-api-url'));
    const input = parseInput(registerSchema, req.body ?? {});
    await installations().register(apiUrl, input.auth_token, typeof req.query.install === 'string' ? req.query.install : undefined);
    res.json({ success: true });
  });

  for (const hook of SALEOR_WEBHOOKS) {
    router.post(`/webhooks/${hook.path}`, express.raw({ type: () => true, limit: '256kb' }), async (req, res) => {
      const apiUrl = saleorApiUrlOf(req.header('saleor-api-url'));
      const installation = await installations().byApiUrl(apiUrl);
      if (installation === undefined || !installation.registered)
        throw new TenderError('signature_invalid', { message: 'This Saleor store is not registered with Tender.' });
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      await verifier.verify(installation.saleorApiUrl, raw, req.header('saleor-signature') ?? '');
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new TenderError('body_invalid_json');
      }
      // The same checks as every parsed body (no NUL, no lone surrogates, no unsafe numbers, bounded depth).
      assertAcceptableBody(body);
      switch (hook.event) {
        case 'TRANSACTION_INITIALIZE_SESSION':
          res.json(await transactions().initialize(installation, parseInput(sessionPayloadSchema, body)));
          return;
        case 'TRANSACTION_PROCESS_SESSION':
          res.json(await transactions().process(installation, parseInput(sessionPayloadSchema, body)));
          return;
        case 'TRANSACTION_CHARGE_REQUESTED':
          res.json(await transactions().charge(installation, parseInput(actionPayloadSchema, body)));
          return;
        case 'TRANSACTION_REFUND_REQUESTED':
          res.json(await transactions().refund(installation, parseInput(actionPayloadSchema, body)));
          return;
        case 'TRANSACTION_CANCELATION_REQUESTED':
          res.json(await transactions().cancel(installation, parseInput(actionPayloadSchema, body)));
          return;
        case 'LIST_STORED_PAYMENT_METHODS':
          res.json(await savedCards().list(installation, parseInput(listStoredPaymentMethodsSchema, body).user.id));
          return;
        case 'STORED_PAYMENT_METHOD_DELETE_REQUESTED': {
          const input = parseInput(deleteStoredPaymentMethodSchema, body);
          res.json(await savedCards().delete(installation, input.user.id, input.paymentMethodId));
          return;
        }
      }
    });
  }
  return router;
}

function saleorApiUrlOf(header: string | undefined): string {
  if (header === undefined || header === '') throw new TenderError('parameter_missing', { param: 'saleor-api-url' });
  try {
    const url = new URL(header);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    return url.href;
  } catch {
    throw new TenderError('parameter_invalid', { param: 'saleor-api-url' });
  }
}

export { saleorApiUrlOf };
