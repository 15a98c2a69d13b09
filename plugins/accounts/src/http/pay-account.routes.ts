import { Request, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import {
  CertificateAuthenticationRequest,
  CertificateAuthenticatorRegistry,
  DATABASE,
  Database,
  Payment,
  PaymentService,
  TenderError,
  jsonBody,
  parseInput,
  requireBodyType,
  tlsClientCertificate,
} from '@tender/core';
import { AccountPaymentSettings } from '../account/account-payment-settings';
import { accountInputSchema } from '../account/account.method';

const tokenField = z.string().regex(/^[0-9A-Za-z]{20,64}$/, 'must be a payment page token');
const confirmSchema = z.object({ account: accountInputSchema }).strict();

interface RawBodyRequest extends Request {
  rawBody?: Buffer;
}

/** What the payer sees about the payment: no merchant metadata, no internal ids beyond the payment's. */
function payerView(p: Payment): Record<string, unknown> {
  return {
    id: p.id,
    object: 'payment',
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    description: p.description,
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    return_url: p.returnUrl,
  };
}

/**
 * The payer's side of a payment from a personal account, addressed by the payment
 * page token (the capability the merchant handed the buyer):
 * `GET /pay-account/:token` says whether the option is offered, and
 * `POST /pay-account/:token/confirm` pays, proven by a client certificate (a signed
 * request, or a TLS client certificate when the gateway serves HTTPS itself),
 * through PaymentService.confirm with the proven payer.
 */
export function payAccountRoutes(container: ServiceResolver): Router {
  const router = Router();
  const db = container.resolve<Database>(DATABASE);
  const settings = container.resolve(AccountPaymentSettings);
  const payments = container.resolve(PaymentService);
  const authenticators = container.resolve(CertificateAuthenticatorRegistry);

  /** The payment behind a page token, if its merchant accepts account payments. */
  const findPayable = async (token: string): Promise<Payment> => {
    const payment = await payments.findByPageToken(token);
    if (payment === undefined) throw new TenderError('resource_not_found', { message: 'No such payment.' });
    if (!(await settings.enabled(db, payment.merchantId))) throw new TenderError('account_payments_disabled');
    return payment;
  };

  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(requireBodyType('json'));
  // The raw bytes are kept: a signature covers the body exactly as sent.
  router.use(jsonBody({ limit: '16kb', verify: (req, _res, buf) => ((req as RawBodyRequest).rawBody = Buffer.from(buf)) }));

  router.get('/:token', async (req, res) => {
    const payment = await findPayable(parseInput(tokenField, req.params.token));
    res.json({
      ...payerView(payment),
      account_payments_enabled: true,
      confirm_path: `${req.baseUrl}/${payment.pageToken}/confirm`,
      authentication: authenticators.codes(),
    });
  });

  router.post('/:token/confirm', async (req: RawBodyRequest, res) => {
    const token = parseInput(tokenField, req.params.token);
    const input = parseInput(confirmSchema, req.body ?? {});
    const payment = await findPayable(token);
    const authRequest: CertificateAuthenticationRequest = {
      method: req.method,
      path: req.originalUrl,
      headers: req.headers,
      rawBody: req.rawBody ?? Buffer.alloc(0),
      tlsClientCertificate: tlsClientCertificate(req),
    };
    const payer = await authenticators.authenticate(authRequest);
    const confirmed = await payments.confirm(
      { merchantId: payment.merchantId, livemode: payment.livemode },
      payment.id,
      { type: 'account', account: input.account },
      undefined,
      { buyerPresent: false, payer },
    );
    res.json(payerView(confirmed));
  });

  return router;
}
