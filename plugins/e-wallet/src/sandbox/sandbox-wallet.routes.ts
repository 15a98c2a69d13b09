import express, { Response, Router } from 'express';
import { compileTemplate, formatAmount } from '@tender/core';
import { SandboxWallet, SandboxWalletPayment } from './sandbox-wallet';

const WALLET_PAGE = compileTemplate(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox wallet</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#f3f0ff;margin:0}main{max-width:420px;margin:32px auto;background:#fff;border-radius:16px;padding:24px;box-shadow:0 2px 12px #0002}
.sum{font-size:30px;font-weight:700}button{font:inherit;width:100%;padding:14px;border-radius:10px;border:0;margin-top:10px;cursor:pointer}
#pay{background:#6c2bd9;color:#fff}#cancel{background:#eee}small{color:#666}</style></head>
<body><main><small>Sandbox wallet: no real money moves.</small>
<h1>Pay to the shop</h1><p id="description">{{payment.description}}</p><p class="sum" id="sum">{{sum}}</p>
<p>Status: <strong id="status">{{payment.status}}</strong></p>
{{#if waiting}}<form method="post" action="{{action}}"><button id="pay" name="decision" value="succeeded" type="submit">Pay from the wallet</button>
<button id="cancel" name="decision" value="canceled" type="submit">Cancel and return to the shop</button></form>{{/if}}
</main></body></html>`);

function send(res: Response, status: number, html: string): void {
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).type('html').send(html);
}

const json = (p: SandboxWalletPayment): Record<string, unknown> => ({
  reference: p.reference,
  id: p.walletPaymentId,
  amount: p.amount,
  currency: p.currency,
  status: p.status,
  expires_at: new Date(p.expiresAt).toISOString(),
  refunded: p.refunded,
});

/** Back to the gateway's payment page: the path of the return address (the sandbox runs inside the gateway). */
function returnPath(p: SandboxWalletPayment): string {
  const path = new URL(p.returnUrl).pathname;
  return /^\/pay\/[0-9A-Za-z]+$/.test(path) ? path : '/';
}

/**
 * The sandbox wallet's page and test API, under /plugins/e-wallet/sandbox:
 * `GET /pay/:reference` the wallet's page, `POST /pay/:reference` the buyer's
 * decision (`decision` = succeeded or canceled), then back to the payment's page;
 * `POST /api/payments/:reference/succeed|cancel` the same for tests (JSON, with the
 * gateway's answer to the notification), `GET /api/payments/:reference` its state.
 */
export function sandboxWalletRoutes(wallet: SandboxWallet): Router {
  const router = Router();
  router.get('/sandbox/pay/:reference', async (req, res, next) => {
    try {
      const payment = await wallet.find(req.params.reference);
      if (payment === undefined) {
        send(res, 404, '<!doctype html><title>Not found</title><p>No such wallet payment.</p>');
        return;
      }
      send(
        res,
        200,
        WALLET_PAGE({
          payment,
          sum: formatAmount(payment.amount, payment.currency, 'en'),
          waiting: payment.status === 'waiting',
          action: `/plugins/e-wallet/sandbox/pay/${encodeURIComponent(payment.reference)}`,
        }),
      );
    } catch (error) {
      next(error);
    }
  });
  router.post('/sandbox/pay/:reference', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
    try {
      const decision = (req.body as Record<string, unknown> | undefined)?.decision;
      if (decision !== 'succeeded' && decision !== 'canceled') {
        send(res, 400, '<!doctype html><title>Bad request</title><p>Choose to pay or to cancel.</p>');
        return;
      }
      const decided = await wallet.decide(req.params.reference, decision);
      if (decided === undefined) {
        send(res, 404, '<!doctype html><title>Not found</title><p>No such wallet payment.</p>');
        return;
      }
      res.redirect(303, returnPath(decided.payment));
    } catch (error) {
      next(error);
    }
  });
  router.get('/sandbox/api/payments/:reference', async (req, res, next) => {
    try {
      const payment = await wallet.find(req.params.reference);
      if (payment === undefined) return void res.status(404).json({ error: 'not_found' });
      res.json(json(payment));
    } catch (error) {
      next(error);
    }
  });
  for (const [action, decision] of [
    ['succeed', 'succeeded'],
    ['cancel', 'canceled'],
  ] as const) {
    router.post(`/sandbox/api/payments/:reference/${action}`, async (req, res, next) => {
      try {
        const decided = await wallet.decide(req.params.reference, decision);
        if (decided === undefined) return void res.status(404).json({ error: 'not_found' });
        res.json({ ...json(decided.payment), notified: decided.notified });
      } catch (error) {
        next(error);
      }
    });
  }
  return router;
}
