import { PAYMENT_STATUSES } from '../payments/payment-state-machine';

/** Every event type Tender writes; webhook endpoints subscribe to these, `<prefix>.*` or `*`. */
export const EVENT_TYPES: readonly string[] = [
  'payment.created',
  ...PAYMENT_STATUSES.filter((s) => s !== 'pending').map((s) => `payment.${s}`),
  'refund.succeeded',
  'refund.failed',
  // Operator alerts about a payment's bank operation (core/src/banks/operator-alerts.ts).
  'bank_operation.reversal_refused',
  'bank_operation.unresolved',
];

/** Whether an endpoint subscribed to `patterns` wants an event of `type`. */
export function eventMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

export function isKnownEventPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return EVENT_TYPES.some((t) => t.startsWith(pattern.slice(0, -1)));
  return EVENT_TYPES.includes(pattern);
}
