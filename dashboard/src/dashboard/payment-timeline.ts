import { inject, injectable } from 'tsyringe';
import {
  DATABASE,
  Database,
  MerchantContext,
  Payment,
  PaymentAttemptRepository,
  Refund,
  refundFromRow,
  toMinorUnits,
  webhookAttemptHistory,
} from '@tender/core';

/** What kind of thing happened; the template picks its label and icon from it. */
export type TimelineKind = 'created' | 'risk' | 'review' | 'attempt' | 'bank' | 'three_ds' | 'event' | 'webhook' | 'refund';

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
const ORDER: Record<TimelineKind, number> = { created: 0, risk: 1, review: 2, attempt: 3, bank: 4, three_ds: 5, refund: 6, event: 7, webhook: 8 };

/** What the transStatus of a 3-D Secure authentication means, for people. */
const THREE_DS_OUTCOME: Readonly<Record<string, string>> = {
  Y: 'authenticated',
  A: 'attempted',
  N: 'not authenticated',
  R: 'rejected',
  U: 'could not be performed',
  C: 'challenge required',
};

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
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(PaymentAttemptRepository) private readonly attemptRecords: PaymentAttemptRepository,
  ) {}

  async assemble(ctx: MerchantContext, payment: Payment): Promise<PaymentTimeline> {
    const scope = { merchant_id: ctx.merchantId, livemode: ctx.livemode };
    const [operations, attempts, assessments, reviews, refundRows] = await Promise.all([
      this.db('bank_operations')
        .where({ ...scope, payment_id: payment.id })
        .orderBy('seq') as Promise<Row[]>,
      // Attempts live on their bank operation rows since migration 043 (older ones in payment_attempts): read as the API reads them.
      this.attemptRecords.listForPayment(this.db, ctx, payment.id),
      this.db('risk_assessments')
        .where({ ...scope, payment_id: payment.id })
        .orderBy('seq') as Promise<Row[]>,
      this.db('risk_reviews')
        .where({ ...scope, payment_id: payment.id })
        .orderBy('seq') as Promise<Row[]>,
      this.db('refunds')
        .where({ ...scope, payment_id: payment.id })
        .orderBy('seq') as Promise<Row[]>,
    ]);
    const refunds = refundRows.map(refundFromRow);
    const objectIds = [payment.id, ...refunds.map((r) => r.id)];
    const events: Row[] = await this.db('events').where(scope).whereIn('object_id', objectIds).orderBy('seq');
    const deliveries: Row[] =
      events.length === 0
        ? []
        : await this.db('webhook_deliveries')
            .where(scope)
            .whereIn(
              'event_id',
              events.map((e) => String(e.id)),
            )
            .orderBy('seq');
    const webhookAttempts = await webhookAttemptHistory(this.db, deliveries);
    const eventTypes = new Map(events.map((e) => [String(e.id), String(e.type)]));
    const eventSeqs = new Map(events.map((e) => [String(e.id), Number(e.seq)]));

    // A 3-D Secure payment's story has three phases: up to the challenge, the challenge, after it. Within one
    // millisecond (or under a test clock) the phase keeps the order that caused things, not the kinds' order.
    const challengeEvent = events.find((e) => e.object_id === payment.id && e.type === 'payment.requires_action');
    const challengeSeq = challengeEvent === undefined ? undefined : Number(challengeEvent.seq);
    const resumedEvent = challengeSeq === undefined ? undefined : events.find((e) => e.object_id === payment.id && Number(e.seq) > challengeSeq);
    const phaseOfEvent = (seq: number): number => (challengeSeq === undefined || seq <= challengeSeq ? 0 : 2);
    const phases = new Map<TimelineEntry, number>();
    const push = (entry: TimelineEntry, phase = 0): void => {
      entries.push(entry);
      phases.set(entry, phase);
    };
    const entries: TimelineEntry[] = [];
    push({ at: payment.createdAt, kind: 'created', title: 'payment created', detail: { order_id: payment.orderId, capture_method: payment.captureMethod } });
    for (const a of assessments) {
      const reasons = JSON.parse(str(a.reasons) || '[]') as Array<{ rule?: string; reason?: string; score?: number }>;
      push({
        at: toMinorUnits(a.created_at),
        kind: 'risk',
        title: `risk: ${str(a.decision)} (score ${str(a.score)})`,
        detail: {
          action: str(a.action),
          outcome: str(a.outcome),
          reasons: reasons.map((r) => `${str(r.rule)}: ${str(r.reason)} (+${str(r.score)})`).join('; '),
        },
      });
    }
    for (const r of reviews) {
      // The opening at its time, the decision at the time it was decided (risk_reviews.decided_at), not when the review opened.
      push({
        at: toMinorUnits(r.created_at),
        kind: 'review',
        title: 'review: opened',
        detail: { review_id: str(r.id), deadline: new Date(toMinorUnits(r.expires_at)).toISOString(), then: str(r.expire_decision) },
      });
      if (r.decided_at !== null && r.decided_at !== undefined) {
        push({
          at: toMinorUnits(r.decided_at),
          kind: 'review',
          title: `review: ${str(r.status)}`,
          detail: { review_id: str(r.id), decided_by: str(r.decided_by) },
        });
      }
    }
    for (const a of attempts) {
      push({
        at: a.createdAt,
        kind: 'attempt',
        title: `attempt via ${a.bankCode}: ${a.result}`,
        detail: { connection: str(a.connectionId), reason: a.reason, failure_code: str(a.failureCode) },
      });
    }
    for (const op of operations) {
      const detail = {
        amount_minor: str(op.amount),
        adapter: str(op.adapter_code),
        auth_code: str(op.authorization_code),
        rrn: str(op.rrn),
        bank_code: str(op.raw_code),
        failure: [str(op.failure_code), str(op.failure_message)].filter((s) => s !== '').join(': '),
        tries: str(op.tries),
      };
      const challenged =
        challengeEvent !== undefined && (op.refund_id === null || op.refund_id === undefined) && (op.kind === 'sale' || op.kind === 'authorize');
      if (!challenged) {
        push({ at: toMinorUnits(op.created_at), kind: 'bank', title: `${str(op.kind)}: ${str(op.status)}`, detail });
        continue;
      }
      // The bank asked for 3-D Secure: its request, the buyer's challenge, then the bank's answer (the same
      // operation, resumed after the challenge, answered at updated_at).
      push({
        at: toMinorUnits(op.created_at),
        kind: 'bank',
        title: `${str(op.kind)}: action_required`,
        detail: { amount_minor: detail.amount_minor, adapter: detail.adapter },
      });
      push({ at: toMinorUnits(challengeEvent.created_at), kind: 'three_ds', title: '3-D Secure: challenge sent to the buyer', detail: {} }, 1);
      if (payment.threeDSecure !== null && resumedEvent !== undefined) {
        const outcome = THREE_DS_OUTCOME[payment.threeDSecure.status] ?? payment.threeDSecure.status;
        push(
          {
            at: toMinorUnits(resumedEvent.created_at),
            kind: 'three_ds',
            title: `3-D Secure: ${outcome}`,
            detail: { trans_status: payment.threeDSecure.status, eci: payment.threeDSecure.eci ?? '' },
          },
          1,
        );
      }
      if (op.status !== 'action_required') push({ at: toMinorUnits(op.updated_at), kind: 'bank', title: `${str(op.kind)}: ${str(op.status)}`, detail }, 2);
    }
    for (const r of refunds) {
      push(
        {
          at: r.createdAt,
          kind: 'refund',
          title: `refund ${r.id}: ${r.status}`,
          detail: { amount_minor: String(r.amount), reason: r.reason ?? '', failure: r.failureCode ?? '' },
        },
        2,
      );
    }
    for (const e of events) {
      push({ at: toMinorUnits(e.created_at), kind: 'event', title: str(e.type), detail: { event_id: str(e.id) } }, phaseOfEvent(Number(e.seq)));
    }
    for (const d of deliveries) {
      const last = webhookAttempts.get(str(d.id))?.at(-1);
      push(
        {
          at: toMinorUnits(d.created_at),
          kind: 'webhook',
          title: `webhook ${eventTypes.get(str(d.event_id)) ?? ''}: ${str(d.status)}`,
          detail: {
            endpoint_id: str(d.endpoint_id),
            event_id: str(d.event_id),
            attempts: str(d.attempt_count),
            last_status: last === undefined ? '' : str(last.status_code ?? last.error),
          },
        },
        phaseOfEvent(eventSeqs.get(str(d.event_id)) ?? 0),
      );
    }
    entries.sort((a, b) => a.at - b.at || (phases.get(a) ?? 0) - (phases.get(b) ?? 0) || ORDER[a.kind] - ORDER[b.kind]);
    return { entries, refunds };
  }
}
