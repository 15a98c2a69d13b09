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
  'bank_operation.late_payment_returned',
  'bank_operation.late_payment_return_failed',
];

/** Whether an endpoint subscribed to `patterns` wants an event of `type`. */
export function eventMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/**
 * Whether `pattern` looks like an event type, `<prefix>.*` or `*`. Whether a type
 * exists (core's or a plugin's) is EventTypeRegistry's to say.
 */
export function isEventPatternShape(pattern: string): boolean {
  return /^(\*|[a-z][a-z0-9_]{0,30}(\.[a-z][a-z0-9_]{0,30}){0,2}(\.\*)?)$/.test(pattern);
}
