import { Request, Response } from 'express';
import { ErrorCode, TenderError, webViewsOf } from '@tender/core';

/**
 * True when the caller is a script (a screen's fetch with `Accept: application/json`)
 * rather than a browser navigating: it gets the catalogue's JSON error instead of a page.
 */
export function wantsJson(req: Request): boolean {
  const accept = req.get('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/**
 * Refuses a request the way its caller can read: the shell's page for a browser, the
 * error catalogue's JSON (`{"error": {"code": ...}}`) for a script.
 *
 * @example
 * ```ts
 * refuse(req, res, 'csrf_token_invalid', 'shell/csrf', { title: 'shell.csrf.title' });
 * ```
 */
export function refuse(req: Request, res: Response, code: ErrorCode, view: string, data: Record<string, unknown>, status?: number): void {
  const error = new TenderError(code);
  if (wantsJson(req)) {
    res.status(status ?? error.status).json(error.toJSON());
    return;
  }
  webViewsOf(res).render(res, view, data, status ?? error.status);
}
