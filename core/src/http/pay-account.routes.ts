import { TLSSocket } from 'node:tls';
import { Request, Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { CertificateAuthenticationRequest, CertificateAuthenticatorRegistry } from '../certificates/certificate-authenticator';
import { AccountPaymentService } from '../methods/account/account-payment.service';
import { AccountPaymentMethod } from '../methods/account/account.method';
import { Payment } from '../payments/payment';
import { parseInput } from './validation';
import { jsonBody, requireBodyType } from './body-parsing';

const tokenField = z.string().regex(/^[0-9A-Za-z]{20,64}$/, 'must be a payment page token');
const confirmSchema = z.object({ account: z.record(z.unknown()).optional() }).strict();

interface RawBodyRequest extends Request {
  rawBody?: Buffer;
}

/** What the payer sees about the payment: no merchant metadata, no internal ids beyond the payment's. */
function payerView(p: Payment): Record<string, unknown> {
  return { id: p.id, object: 'payment', status: p.status, amount: p.amount, currency: p.currency, description: p.description, failure_code: p.failureCode, failure_message: p.failureMessage, return_url: p.returnUrl };
}

/** The DER of the TLS client certificate, when this request came over TLS with one. */
export function tlsClientCertificate(req: Request): Buffer | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.encrypted !== true || typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate(false) as { raw?: Buffer } | null;
  return peer?.raw instanceof Buffer && peer.raw.length > 0 ? peer.raw : undefined;
}

/**
 * The payer's side of a payment from a personal account, addressed by the payment
 * page token (the capability the merchant handed the buyer):
 * `GET /pay-account/:token` says whether the option is offered, and
 * `POST /pay-account/:token/confirm` pays, proven by a client certificate (a signed
 * request, or a TLS client certificate when the gateway serves HTTPS itself).
 */
export function payAccountRoutes(container: DependencyContainer): Router {
  const router = Router();
  const accountPayments = container.resolve(AccountPaymentService);
  const authenticators = container.resolve(CertificateAuthenticatorRegistry);
  const method = new AccountPaymentMethod();
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(requireBodyType('json'));
  // The raw bytes are kept: a signature covers the body exactly as sent.
  router.use(jsonBody({ limit: '16kb', verify: (req, _res, buf) => ((req as RawBodyRequest).rawBody = Buffer.from(buf)) }));

  router.get('/:token', async (req, res) => {
    const payment = await accountPayments.findPayable(parseInput(tokenField, req.params.token));
    res.json({ ...payerView(payment), account_payments_enabled: true, confirm_path: `${req.baseUrl}/${payment.pageToken}/confirm`, authentication: authenticators.codes() });
  });

  router.post('/:token/confirm', async (req: RawBodyRequest, res) => {
    const token = parseInput(tokenField, req.params.token);
    const input = parseInput(confirmSchema, req.body ?? {});
    const prepared = method.prepare(input.account);
    await accountPayments.findPayable(token);
    const authRequest: CertificateAuthenticationRequest = {
      method: req.method,
      path: req.originalUrl,
      headers: req.headers,
      rawBody: req.rawBody ?? Buffer.alloc(0),
      tlsClientCertificate: tlsClientCertificate(req),
    };
    const payer = await authenticators.authenticate(authRequest);
    const number = prepared.type === 'account' ? prepared.account.number : undefined;
    res.json(payerView(await accountPayments.confirm(token, payer, { number })));
  });

  return router;
}
