import { randomBytes } from 'node:crypto';
import { Request, Response } from 'express';
import helmet from 'helmet';
import { PageAnswer } from '../../pages/hosted-page.service';

/** A fresh CSP nonce for one response. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Sends a hosted page with its security headers and no caching anywhere. The CSP
 * depends on the document (helmet sets it per response):
 *
 * - a page (`page`, may hold merchant markup): scripts only the gateway's own file
 *   with the response's nonce (never in a merchant template's context), styles from
 *   the gateway or nonce'd, images from the gateway, https: and data:, frames only
 *   the gateway's (the island), forms to the gateway (plus a 3-D Secure ACS), no
 *   connections, frame-ancestors from the merchant's allowed origins or 'none';
 * - the payment form island (`island`): the same without https: or data: images and
 *   without frames, framed only by the gateway's page (and the merchant's allowed
 *   origins, whose page frames that page): nothing in it can send a typed value
 *   anywhere but the gateway's form action;
 * - a branding preview (`preview`): `sandbox` (no scripts, no same origin, no
 *   forms), no script source at all, frames only the gateway's; framed by the
 *   gateway itself (the dashboard's editor), or by anything when it is the preview's
 *   inert sample island (`frameAncestors` empty).
 */
export function sendPage(req: Request, res: Response, nonce: string, answer: PageAnswer): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (answer.kind === 'redirect') {
    res.redirect(303, answer.location);
    return;
  }
  const document = answer.document ?? 'page';
  const frameAncestors =
    document === 'island' ? ["'self'", ...answer.frameAncestors] : answer.frameAncestors.length === 0 ? ["'none'"] : [...answer.frameAncestors];
  const common = { defaultSrc: ["'none'"], styleSrc: ["'self'", `'nonce-${nonce}'`], baseUri: ["'none'"], connectSrc: ["'none'"], objectSrc: ["'none'"] };
  const directives: Record<string, string[] | null> =
    document === 'island'
      ? { ...common, scriptSrc: [`'nonce-${nonce}'`], imgSrc: ["'self'"], formAction: ["'self'"], frameSrc: ["'none'"], frameAncestors }
      : document === 'preview'
        ? {
            ...common,
            scriptSrc: ["'none'"],
            imgSrc: ["'self'", 'https:', 'data:'],
            formAction: ["'none'"],
            frameSrc: ["'self'"],
            sandbox: [],
            ...(answer.frameAncestors.length === 0 ? {} : { frameAncestors: [...answer.frameAncestors] }),
          }
        : {
            ...common,
            scriptSrc: [`'nonce-${nonce}'`],
            imgSrc: ["'self'", 'https:', 'data:'],
            formAction: ["'self'", ...answer.formActions],
            frameSrc: ["'self'"],
            frameAncestors,
          };
  helmet.contentSecurityPolicy({ useDefaults: false, directives })(req, res, () => undefined);
  // frame-ancestors decides; the legacy header only for browsers without CSP 2.
  if (document === 'page' && answer.frameAncestors.length === 0) res.setHeader('X-Frame-Options', 'DENY');
  else if (document === 'island' && answer.frameAncestors.length === 0) res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  else res.removeHeader('X-Frame-Options');
  res.status(answer.status).type('html').send(answer.html);
}
