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
    // An issuer's challenge runs in a frame on whatever page pays (3-D Secure 2's challenge window:
    // the hosted page's modal, tender.js's modal on a shop page), so any page may frame it.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors *",
    );
    res.removeHeader('X-Frame-Options');
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
        `<p class="lead">We sent a one-time code to the phone number linked to your card.</p>
<p class="hint">Sandbox: the code is <strong>${SANDBOX_CHALLENGE_CODE}</strong>; any other code fails.</p>
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

/** Only the gateway's own return paths: the payment page's, or the 3-D Secure frame's (the modal). */
function isGatewayPath(url: string): boolean {
  return /^\/pay\/[A-Za-z0-9_-]{16,128}\/3ds$/.test(url) || /^\/elements\/challenge\/[A-Za-z0-9]{32}\/return$/.test(url);
}

/** The simulated issuer's page, dressed like a bank's 3-D Secure page (a header band, the card scheme's check, one field). */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${BANK_CSS}</style></head><body><header class="bank"><span class="bank-name">Sandbox Bank</span><span class="secure">Secure payment · 3-D Secure</span></header><main class="acs"><h1>${escapeHtml(title)}</h1>${body}</main><footer>Test issuer of the Tender sandbox. No real bank is contacted.</footer></body></html>`;
}

const BANK_CSS = `body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5f9;color:#14213d}
.bank{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap;background:#0b3d91;color:#fff;padding:14px 20px}
.bank-name{font-weight:800;letter-spacing:.04em}.secure{font-size:.8rem;opacity:.85}
.acs{max-width:420px;margin:20px auto;background:#fff;border-radius:10px;padding:20px;box-shadow:0 2px 10px rgba(20,33,61,.08)}
h1{font-size:1.1rem;margin:0 0 12px}.lead{margin:0 0 8px}.hint{margin:0 0 16px;font-size:.85rem;color:#5b6478}
form{display:flex;flex-direction:column;gap:8px}label{font-weight:600;font-size:.9rem}
input{font:inherit;font-size:1.2rem;letter-spacing:.3em;padding:10px;border:1px solid #c4c9d4;border-radius:6px}
button{font:inherit;font-weight:600;border:0;border-radius:6px;background:#0b3d91;color:#fff;padding:12px}
footer{text-align:center;font-size:.75rem;color:#5b6478;padding:12px}`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
