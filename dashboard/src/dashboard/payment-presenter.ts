import { Payment, Refund, cardBrandLabel, formatAmount } from '@tender/core';
import { minorToDecimal } from './decimal-amount';
import { TimelineEntry } from './payment-timeline';
import { dashboardMoment } from './merchant-time';

/**
 * A payment row of the table, as strings for the template. Field names avoid the
 * shell's helper names (`amount`, `t`, `json`, ...): Handlebars calls a helper before
 * it reads a field of the same name.
 */
export function paymentRowView(p: Payment, locale: string, timeZone: string): Record<string, unknown> {
  return {
    id: p.id,
    created_at: dashboardMoment(p.createdAt, locale, timeZone),
    order_id: p.orderId,
    status: p.status,
    amount_text: formatAmount(p.amount, p.currency, locale),
    currency: p.currency,
    card: p.card === null ? '' : `${cardBrandLabel(p.card.brand)} •••• ${p.card.last4}`,
    email: p.customerEmail ?? '',
  };
}

/** What can still be done with a payment from the dashboard, by the state machine's rules. */
export function paymentActionsOf(p: Payment): { capture: boolean; cancel: boolean; refund: boolean; refundable: number } {
  const refundable = p.amountCaptured - p.amountRefunded - p.amountRefundPending;
  return {
    capture: p.status === 'authorized',
    cancel: ['pending', 'authorized', 'declined', 'failed', 'requires_action'].includes(p.status),
    refund: (p.status === 'captured' || p.status === 'partially_refunded') && refundable > 0,
    refundable,
  };
}

export function paymentDetailView(p: Payment, locale: string, timeZone: string): Record<string, unknown> {
  const actions = paymentActionsOf(p);
  return {
    ...paymentRowView(p, locale, timeZone),
    created_at: dashboardMoment(p.createdAt, locale, timeZone, true),
    time_zone: timeZone,
    description: p.description ?? '',
    livemode: p.livemode,
    capture_method: p.captureMethod,
    // A confirm's adjustments (a loyalty discount): the order's amount and what was taken off it.
    amount_gross: p.amountDiscount === 0 ? '' : formatAmount(p.amountGross, p.currency, locale),
    amount_discount: p.amountDiscount === 0 ? '' : formatAmount(p.amountDiscount, p.currency, locale),
    amount_captured: formatAmount(p.amountCaptured, p.currency, locale),
    amount_refunded: formatAmount(p.amountRefunded, p.currency, locale),
    amount_pending: p.amountRefundPending === 0 ? '' : formatAmount(p.amountRefundPending, p.currency, locale),
    refundable: formatAmount(Math.max(actions.refundable, 0), p.currency, locale),
    refundable_decimal: minorToDecimal(Math.max(actions.refundable, 0), p.currency),
    authorized_decimal: minorToDecimal(p.amount, p.currency),
    failure: p.failureCode === null ? '' : `${p.failureCode}: ${p.failureMessage ?? ''}`,
    risk:
      p.risk === null
        ? null
        : {
            score: p.risk.score,
            decision: p.risk.decision,
            reasons: p.risk.reasons.map((r) => ({ rule: r.rule, score: r.score, reason: r.reason, dry_run: r.dry_run })),
          },
    three_ds: p.threeDSecure === null ? '' : `${p.threeDSecure.status}${p.threeDSecure.eci === null ? '' : ` (ECI ${p.threeDSecure.eci})`}`,
    actions,
  };
}

export function timelineView(entries: readonly TimelineEntry[], currency: string, locale: string, timeZone: string): Array<Record<string, unknown>> {
  return entries.map((e) => ({
    at: dashboardMoment(e.at, locale, timeZone, true),
    at_iso: new Date(e.at).toISOString(),
    kind: e.kind,
    title: e.title,
    detail: Object.entries(e.detail)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => (k === 'amount_minor' ? { key: 'amount', value: formatAmount(Number(v), currency, locale) } : { key: k, value: v })),
  }));
}

export function refundRowView(r: Refund, locale: string, timeZone: string): Record<string, unknown> {
  return {
    id: r.id,
    status: r.status,
    amount_text: formatAmount(r.amount, r.currency, locale),
    reason: r.reason ?? '',
    created_at: dashboardMoment(r.createdAt, locale, timeZone),
  };
}
