import { randomBytes } from 'node:crypto';
import { Request, Response } from 'express';
import helmet from 'helmet';
import { PageAnswer } from '../../pages/hosted-page.service';

/** A fresh CSP nonce for one response. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Sends a hosted page with its security headers: a strict nonce-based CSP (helmet),
 * frame-ancestors from the merchant's allowed origins or 'none', form-action limited
 * to the gateway (plus a 3-D Secure ACS when one is shown), and no caching anywhere.
 */
export function sendPage(req: Request, res: Response, nonce: string, answer: PageAnswer): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (answer.kind === 'redirect') {
    res.redirect(303, answer.location);
    return;
  }
  const frameAncestors = answer.frameAncestors.length === 0 ? ["'none'"] : [...answer.frameAncestors];
  helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: [`'nonce-${nonce}'`],
      styleSrc: ["'self'", `'nonce-${nonce}'`],
      imgSrc: ["'self'", 'https:', 'data:'],
      formAction: ["'self'", ...answer.formActions],
      frameAncestors,
      baseUri: ["'none'"],
      connectSrc: ["'none'"],
    },
  })(req, res, () => undefined);
  // frame-ancestors decides; the legacy header only for browsers without CSP 2.
  if (answer.frameAncestors.length === 0) res.setHeader('X-Frame-Options', 'DENY');
  else res.removeHeader('X-Frame-Options');
  res.status(answer.status).type('html').send(answer.html);
}
