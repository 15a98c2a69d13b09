import express, { Response, Router } from 'express';
import { compileTemplate, formatAmount } from '@tender/core';
import { SandboxQr, SandboxSbpBank } from './sandbox-sbp-bank';

const PAGE = compileTemplate(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox SBP bank</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:420px;margin:24px auto;padding:0 16px;color:#1b1f24}
.card{border:1px solid #d0d7de;border-radius:12px;padding:20px}.amount{font-size:28px;font-weight:600}
button{font:inherit;padding:12px 18px;border-radius:8px;border:0;margin:8px 8px 0 0;cursor:pointer}
.approve{background:#1a7f37;color:#fff}.reject{background:#cf222e;color:#fff}.note{color:#57606a;font-size:14px}</style></head>
<body><main class="card"><p class="note">Sandbox SBP bank: no real money moves.</p>
<h1>{{title}}</h1><p class="amount" id="amount">{{amount}}</p><p id="purpose">{{qr.purpose}}</p>
<p>Status: <strong id="status">{{qr.status}}</strong></p>
{{#if pending}}<form method="post" action="{{base}}/approve"><button class="approve" id="approve" type="submit">Approve the payment</button></form>
<form method="post" action="{{base}}/reject"><button class="reject" id="reject" type="submit">Reject</button></form>{{/if}}
</main></body></html>`);

/** The tester page's headers: nothing runs on it, forms go only to itself. */
function sendPage(res: Response, status: number, html: string): void {
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).type('html').send(html);
}

function qrView(qr: SandboxQr): Record<string, unknown> {
  return {
    reference: qr.reference,
    payment: qr.paymentId,
    amount: qr.amount,
    currency: qr.currency,
    status: qr.status,
    expires_at: new Date(qr.expiresAt).toISOString(),
    refunded: qr.refunded,
  };
}

/**
 * The sandbox SBP bank's pages and test API, under /plugins/sbp/sandbox:
 *
 * - `GET /qr/:reference`: the tester page a scanned QR opens (approve or reject);
 * - `POST /qr/:reference/approve` and `/reject`: the decision, from the page's form
 *   (answered with the page) or from a test (JSON: the QR and the gateway's answer
 *   to the notification the decision sent); a second decision re-sends the first
 *   one's notification (a duplicate);
 * - `GET /api/qr/:reference`: the QR as the bank sees it (JSON).
 *
 * Only test-mode payments have QR codes here; everything is escaped.
 */
export function sandboxSbpRoutes(bank: SandboxSbpBank): Router {
  const router = Router();
  const page = (res: Response, qr: SandboxQr, status = 200): void =>
    sendPage(
      res,
      status,
      PAGE({
        title: 'Pay by SBP',
        amount: formatAmount(qr.amount, qr.currency, 'en'),
        qr,
        pending: qr.status === 'pending',
        base: `/plugins/sbp/sandbox/qr/${encodeURIComponent(qr.reference)}`,
      }),
    );
  router.get('/sandbox/qr/:reference', async (req, res, next) => {
    try {
      const qr = await bank.find(req.params.reference);
      if (qr === undefined) {
        sendPage(res, 404, '<!doctype html><title>Not found</title><p>No such QR code at the sandbox SBP bank.</p>');
        return;
      }
      page(res, qr);
    } catch (error) {
      next(error);
    }
  });
  router.get('/sandbox/api/qr/:reference', async (req, res, next) => {
    try {
      const qr = await bank.find(req.params.reference);
      if (qr === undefined) return void res.status(404).json({ error: 'not_found' });
      res.json(qrView(qr));
    } catch (error) {
      next(error);
    }
  });
  for (const [action, decision] of [
    ['approve', 'paid'],
    ['reject', 'rejected'],
  ] as const) {
    router.post(`/sandbox/qr/:reference/${action}`, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
      try {
        const decided = await bank.decide(req.params.reference, decision);
        const fromPage = req.is('application/x-www-form-urlencoded') !== false;
        if (decided === undefined)
          return void (fromPage
            ? sendPage(res, 404, '<!doctype html><title>Not found</title><p>No such QR code.</p>')
            : res.status(404).json({ error: 'not_found' }));
        if (fromPage) {
          page(res, decided.qr);
          return;
        }
        res.json({ ...qrView(decided.qr), notified: decided.notified });
      } catch (error) {
        next(error);
      }
    });
  }
  return router;
}
