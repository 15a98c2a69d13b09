import { Payment } from '@tender/core';
import { minorToDecimal } from './decimal-amount';

/** The CSV columns, in order; amounts are exact decimal strings in the payment's currency. */
export const PAYMENT_CSV_COLUMNS = [
  'id',
  'created_at',
  'order_id',
  'status',
  'amount',
  'amount_captured',
  'amount_refunded',
  'currency',
  'card_brand',
  'card_last4',
  'customer_email',
  'description',
  'failure_code',
  'livemode',
] as const;

/**
 * A spreadsheet treats a cell that starts with = + - @ (or a tab or carriage
 * return before them) as a formula, and text from shops and buyers (order ids,
 * descriptions, e-mails) reaches these cells. Such a cell gets a leading apostrophe,
 * as OWASP's CSV injection advice says, so it is shown as text.
 *
 * @example
 * ```ts
 * csvCell('=HYPERLINK("http://x")'); // '"\'=HYPERLINK(""http://x"")"'
 * ```
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function paymentCsvHeader(): string {
  return csvLine(PAYMENT_CSV_COLUMNS);
}

export function paymentCsvLine(p: Payment): string {
  return csvLine([
    p.id,
    new Date(p.createdAt).toISOString(),
    p.orderId,
    p.status,
    minorToDecimal(p.amount, p.currency),
    minorToDecimal(p.amountCaptured, p.currency),
    minorToDecimal(p.amountRefunded, p.currency),
    p.currency,
    p.card?.brand ?? '',
    p.card?.last4 ?? '',
    p.customerEmail ?? '',
    p.description ?? '',
    p.failureCode ?? '',
    p.livemode ? 'true' : 'false',
  ]);
}
