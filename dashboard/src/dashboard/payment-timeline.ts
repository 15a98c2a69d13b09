import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, MerchantContext, Payment, Refund, refundFromRow, toMinorUnits } from '@tender/core';

/** What kind of thing happened; the template picks its label and icon from it. */
export type TimelineKind = 'created' | 'risk' | 'review' | 'attempt' | 'bank' | 'event' | 'webhook' | 'refund';

/**
 * One line of a payment's story. `detail` holds plain strings for the template
 * (no HTML: Handlebars escapes them).
 *
 * @example
 * ```ts
 * { at: 1764230400000, kind: 'bank', title: 'authorize: succeeded', detail: { auth_code: 'A1B2C3', rrn: '123456789012' } }
 * ```
 */
export interface TimelineEntry {
  readonly at: number;
  readonly kind: TimelineKind;
  readonly title: string;
  readonly detail: Readonly<Record<string, string>>;
}

export interface PaymentTimeline {
  readonly entries: TimelineEntry[];
  readonly refunds: Refund[];
}

type Row = Record<string, unknown>;
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const ORDER: Record<TimelineKind, number> = { created: 0, risk: 1, review: 2, attempt: 3, bank: 4, refund: 5, event: 6, webhook: 7 };

/**
 * Everything the gateway recorded about one payment, oldest first: routing
 * attempts, each request to a bank and its answer, the risk decision with its
 * reasons, reviews, refunds, the events and their webhook deliveries. Read-only;
 * every query is scoped to the merchant and mode of the payment it was given, and
 * each reads one payment's rows through an index that starts with those columns or
 * with the payment's id.
 */
@injectable()
export class PaymentTimelineAssembler {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  async assemble(ctx: MerchantContext, payment: Payment): Promise<PaymentTimeline> {
    const scope = { merchant_id: ctx.merchantId, livemode: ctx.livemode };
    const [operations, attempts, assessments, reviews, refundRows] = await Promise.all([
      this.db('bank_operations').where({ ...scope, payment_id: payment.id }).orderBy('seq') as Promise<Row[]>,
      this.db('payment_attempts').where({ ...scope, payment_id: payment.id }).orderBy('seq') as Promise<Row[]>,
      this.db('risk_assessments').where({ ...scope, payment_id: payment.id }).orderBy('seq') as Promise<Row[]>,
      this.db('risk_reviews').where({ ...scope, payment_id: payment.id }).orderBy('seq') as Promise<Row[]>,
      this.db('refunds').where({ ...scope, payment_id: payment.id }).orderBy('seq') as Promise<Row[]>,
    ]);
    const refunds = refundRows.map(refundFromRow);
    const objectIds = [payment.id, ...refunds.map((r) => r.id)];
    const events: Row[] = await this.db('events').where(scope).whereIn('object_id', objectIds).orderBy('seq');
    const deliveries: Row[] = events.length === 0 ? [] : await this.db('webhook_deliveries').where(scope).whereIn('event_id', events.map((e) => String(e.id))).orderBy('seq');
    const webhookAttempts: Row[] = deliveries.length === 0 ? [] : await this.db('webhook_attempts').whereIn('delivery_id', deliveries.map((d) => String(d.id))).orderBy('seq');
    const eventTypes = new Map(events.map((e) => [String(e.id), String(e.type)]));

    const entries: TimelineEntry[] = [{ at: payment.createdAt, kind: 'created', title: 'payment created', detail: { order_id: payment.orderId, capture_method: payment.captureMethod } }];
    for (const a of assessments) {
      const reasons = JSON.parse(str(a.reasons) || '[]') as Array<{ rule?: string; reason?: string; score?: number }>;
      entries.push({
        at: toMinorUnits(a.created_at),
        kind: 'risk',
        title: `risk: ${str(a.decision)} (score ${str(a.score)})`,
        detail: { action: str(a.action), outcome: str(a.outcome), reasons: reasons.map((r) => `${str(r.rule)}: ${str(r.reason)} (+${str(r.score)})`).join('; ') },
      });
    }
    for (const r of reviews) {
      // The opening at its time, the decision at the time it was decided (risk_reviews.decided_at), not when the review opened.
      entries.push({ at: toMinorUnits(r.created_at), kind: 'review', title: 'review: opened', detail: { review_id: str(r.id), deadline: new Date(toMinorUnits(r.expires_at)).toISOString(), then: str(r.expire_decision) } });
      if (r.decided_at !== null && r.decided_at !== undefined) {
        entries.push({ at: toMinorUnits(r.decided_at), kind: 'review', title: `review: ${str(r.status)}`, detail: { review_id: str(r.id), decided_by: str(r.decided_by) } });
      }
    }
    for (const a of attempts) {
      entries.push({
        at: toMinorUnits(a.created_at),
        kind: 'attempt',
        title: `attempt via ${str(a.bank_code)}: ${str(a.result)}`,
        detail: { connection: str(a.connection_id), reason: str(a.reason), failure_code: str(a.failure_code) },
      });
    }
    for (const op of operations) {
      entries.push({
        at: toMinorUnits(op.created_at),
        kind: 'bank',
        title: `${str(op.kind)}: ${str(op.status)}`,
        detail: {
          amount_minor: str(op.amount),
          adapter: str(op.adapter_code),
          auth_code: str(op.authorization_code),
          rrn: str(op.rrn),
          bank_code: str(op.raw_code),
          failure: [str(op.failure_code), str(op.failure_message)].filter((s) => s !== '').join(': '),
          tries: str(op.tries),
        },
      });
    }
    for (const r of refunds) {
      entries.push({ at: r.createdAt, kind: 'refund', title: `refund ${r.id}: ${r.status}`, detail: { amount_minor: String(r.amount), reason: r.reason ?? '', failure: r.failureCode ?? '' } });
    }
    for (const e of events) {
      entries.push({ at: toMinorUnits(e.created_at), kind: 'event', title: str(e.type), detail: { event_id: str(e.id) } });
    }
    for (const d of deliveries) {
      const tries = webhookAttempts.filter((a) => a.delivery_id === d.id);
      const last = tries[tries.length - 1];
      entries.push({
        at: toMinorUnits(d.created_at),
        kind: 'webhook',
        title: `webhook ${eventTypes.get(str(d.event_id)) ?? ''}: ${str(d.status)}`,
        detail: {
          endpoint_id: str(d.endpoint_id),
          event_id: str(d.event_id),
          attempts: str(d.attempt_count),
          last_status: last === undefined ? '' : str(last.status_code ?? last.error),
        },
      });
    }
    entries.sort((a, b) => a.at - b.at || ORDER[a.kind] - ORDER[b.kind]);
    return { entries, refunds };
  }
}
