import { Router } from 'express';
import { formBody } from '@tender/core';
import { SANDBOX_ACS_PATH, SANDBOX_CHALLENGE_CODE, signedCres, transactionOfCreq } from './sandbox-three-d-secure';

/**
 * The simulated issuer ACS (access control server): the page a 3-D Secure challenge
 * shows. The buyer enters a code; 123456 authenticates, anything else fails. The
 * signed CRes is posted back to the notification URL the gateway's page gave us.
 * Served by the gateway itself because the sandbox has no issuer to send buyers to.
 */
export function sandboxAcsRoutes(): Router {
  const router = Router();
  router.use(formBody({ limit: '8kb', parameterLimit: 20 }));
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.post('/challenge', (req, res) => {
    const { creq, notification_url: notificationUrl } = fieldsOf(req.body);
    const transactionId = creq === undefined ? undefined : transactionOfCreq(creq);
    if (transactionId === undefined || notificationUrl === undefined || !isGatewayPath(notificationUrl)) {
      res.status(400).type('html').send(page('Sandbox ACS', '<p>This challenge request is not valid.</p>'));
      return;
    }
    res.type('html').send(
      page(
        'Sandbox bank: confirm the payment',
        `<p>This is the <strong>sandbox</strong> issuer. Enter the code <strong>${SANDBOX_CHALLENGE_CODE}</strong> to authenticate; any other code fails.</p>
<form method="post" action="${SANDBOX_ACS_PATH}/answer">
<input type="hidden" name="creq" value="${escapeHtml(creq ?? '')}">
<input type="hidden" name="notification_url" value="${escapeHtml(notificationUrl)}">
<label for="code">One-time code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required>
<button type="submit" id="acs-submit">Confirm</button>
</form>`,
      ),
    );
  });

  router.post('/answer', (req, res) => {
    const { creq, notification_url: notificationUrl, code } = fieldsOf(req.body);
    const transactionId = creq === undefined ? undefined : transactionOfCreq(creq);
    if (transactionId === undefined || notificationUrl === undefined || !isGatewayPath(notificationUrl)) {
      res.status(400).type('html').send(page('Sandbox ACS', '<p>This challenge request is not valid.</p>'));
      return;
    }
    const cres = signedCres(transactionId, code === SANDBOX_CHALLENGE_CODE ? 'Y' : 'N');
    // A real ACS posts the CRes back automatically; the button makes it work without JavaScript.
    res.type('html').send(
      page(
        'Sandbox bank',
        `<p>${code === SANDBOX_CHALLENGE_CODE ? 'Authenticated.' : 'Authentication failed.'} Return to the payment page.</p>
<form method="post" action="${escapeHtml(notificationUrl)}" id="cres-form">
<input type="hidden" name="cres" value="${escapeHtml(cres)}">
<button type="submit" id="acs-continue">Continue</button>
</form>
<script src="${SANDBOX_ACS_PATH}/continue.js"></script>`,
      ),
    );
  });

  router.get('/continue.js', (_req, res) => {
    res.type('application/javascript').send("document.getElementById('cres-form').submit();\n");
  });
  return router;
}

function fieldsOf(body: unknown): { creq?: string; notification_url?: string; code?: string } {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 2000 ? v : undefined);
  return { creq: str(b.creq), notification_url: str(b.notification_url), code: str(b.code) };
}

/** Only the gateway's own payment pages: the simulator must not become an open redirector. */
function isGatewayPath(url: string): boolean {
  return /^\/pay\/[A-Za-z0-9_-]{16,128}\/3ds$/.test(url);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
