import { Request, Response } from 'express';
import { TenderError, operatorAccountActor, principalOf, webViewsOf } from '@tender/core';

/** The audit actor of the signed-in operator: their account, not the shared admin token. */
export function consoleActor(res: Response): string {
  return operatorAccountActor(principalOf(res).accountId);
}

const STYLES = ['/web-assets/console/console.css'];

/**
 * Renders dashboard/templates/console/<view>.hbs inside the shell's layout, with the
 * console's stylesheet. The console needs no script of its own: the shell's script
 * asks before forms marked data-confirm (suspend, reject) submit.
 */
export function renderConsole(res: Response, view: string, data: Record<string, unknown>, status?: number): void {
  webViewsOf(res).render(res, `console/${view}`, { styles: STYLES, ...data }, status);
}

/** The parsed form (the shell parses urlencoded bodies before checking CSRF). */
export function formOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** A form field as a trimmed string ('' when absent or not a string). */
export function textField(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** What a refused action shows: the catalogue's status and message, and the field it names. */
export function refusal(error: unknown): { status: number; message: string; code: string; param: string | undefined } {
  if (error instanceof TenderError) return { status: error.status, message: error.message, code: error.code, param: error.param };
  throw error;
}

/** Epoch milliseconds as 'YYYY-MM-DD HH:MM UTC' (the console shows UTC, as the logs do). */
export function utc(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
