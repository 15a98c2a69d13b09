import { Response } from 'express';
import { AssistError } from './assist-error';

/** One `<order>` of a result, every value a string exactly as the checkvalue signs it. */
export type AssistOrderFields = Readonly<Record<string, string>>;

export type AssistFormat = 'xml' | 'json';

/**
 * Assist results: `<result firstcode secondcode count>` with `<order>` elements
 * (Format 3), or the same as JSON (Format 5):
 * `{"result":{"firstcode":0,"secondcode":0,"count":1,"order":[{...}]}}`.
 * Answered with HTTP 200 whatever the codes, as Assist does: modules read the codes.
 *
 * @example
 * ```ts
 * sendAssistResult(res, 'xml', [{ ordernumber: 'A-1', orderstate: 'Approved' }]);
 * ```
 */
export function sendAssistResult(res: Response, format: AssistFormat, orders: readonly AssistOrderFields[]): void {
  send(res, format, { firstcode: 0, secondcode: 0, count: orders.length }, orders);
}

export function sendAssistError(res: Response, format: AssistFormat, error: AssistError): void {
  send(res, format, { firstcode: error.firstcode, secondcode: error.secondcode, count: 0, message: error.message }, []);
}

/** Format 3 (XML, the default) or 5 (JSON); anything else is refused. */
export function formatOf(value: unknown): AssistFormat | undefined {
  if (value === undefined || value === '' || value === '3') return 'xml';
  if (value === '5') return 'json';
  return undefined;
}

function send(res: Response, format: AssistFormat, head: { firstcode: number; secondcode: number; count: number; message?: string }, orders: readonly AssistOrderFields[]): void {
  res.setHeader('Cache-Control', 'no-store');
  if (format === 'json') {
    res.status(200).json({ result: { ...head, order: orders } });
    return;
  }
  const attrs = Object.entries(head)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  const body = orders.map((o) => `<order>${Object.entries(o).map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('')}</order>`).join('');
  res.status(200).type('application/xml').send(`<?xml version="1.0" encoding="UTF-8"?>\n<result${attrs}>${body}</result>`);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
