import { randomBytes } from 'node:crypto';
import { Request, Response } from 'express';
import { MerchantContext, TenderError, WebPrincipal, principalOf, webViewsOf } from '@tender/core';

/**
 * What every dashboard screen needs from the shell's principal: the merchant and
 * the mode it is looking at. Every query a screen makes takes this context, so a
 * screen can only ever read the signed-in merchant's rows of the chosen mode.
 */
export function merchantContextOf(principal: WebPrincipal): MerchantContext {
  if (principal.realm !== 'merchant' || principal.merchantId === undefined) throw new Error('dashboard screen reached by a principal without a merchant');
  return { merchantId: principal.merchantId, livemode: principal.mode === 'live' };
}

export function contextOf(res: Response): MerchantContext {
  return merchantContextOf(principalOf(res));
}

const DASHBOARD_CSS = '/web-assets/dashboard/dashboard.css';

/** Renders `dashboard/templates/dashboard/<view>.hbs` inside the shell's layout (which links `styles`). */
export function renderScreen(res: Response, view: string, data: Record<string, unknown>, status = 200): void {
  res.setHeader('Cache-Control', 'no-store');
  webViewsOf(res).render(res, `dashboard/${view}`, { principalRole: principalOf(res).role, styles: [DASHBOARD_CSS], ...data }, status);
}

/** The same answer for "no such object" and "another merchant's object": never reveal that it exists. */
export function renderNotFound(res: Response): void {
  renderScreen(res, 'not-found', { title: 'dash.screens.not_found' }, 404);
}

/** A form's fields as strings (the shell parses urlencoded bodies; anything else counts as empty). */
export function formOf(req: Request): Record<string, string> {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object') return {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}

/** A one-off key for a confirmation form, so the action it confirms runs once however often it is sent. */
export function newFormKey(): string {
  return randomBytes(18).toString('base64url');
}

export const FORM_KEY_PATTERN = /^[A-Za-z0-9_-]{24}$/;

/** A TenderError as the page shows it; anything else is a bug and goes to the shell's error handler. */
export function pageErrorOf(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof TenderError) return { status: error.status, code: error.code, message: error.message };
  throw error;
}
