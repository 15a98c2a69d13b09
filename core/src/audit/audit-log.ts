import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { Queryable } from '../db/database';
import { newId } from '../ids/ids';

/** Who acted through the operator API: the admin token is one shared secret, so every such action is 'operator'. */
export const OPERATOR_ACTOR = 'operator';

/** Who acted through the console: the signed-in operator account, e.g. 'operator:opa_123'. */
export function operatorAccountActor(accountId: string): string {
  return `${OPERATOR_ACTOR}:${accountId}`;
}

export interface AuditEntry {
  readonly actor: string;
  /** What was done, e.g. 'merchant.suspend', 'bank.create'. */
  readonly action: string;
  readonly merchantId: string | undefined;
  readonly objectType: 'merchant' | 'bank' | 'bank_connection' | 'web_account' | 'routing_rules' | 'risk_rule_set' | 'risk_review';
  readonly objectId: string;
  /** What the action was given (never a secret). */
  readonly data: Record<string, unknown>;
}

export interface AuditEntryView {
  id: string;
  object: 'audit_entry';
  actor: string;
  action: string;
  merchant_id: string | null;
  object_type: string;
  object_id: string;
  data: unknown;
  created_at: string;
}

/**
 * The operator's audit log: every operator action, written in the same transaction
 * as the change it records, so the log can neither miss a change nor claim one
 * that was rolled back.
 *
 * @example
 * ```ts
 * await audit.record(trx, { actor: OPERATOR_ACTOR, action: 'merchant.suspend', merchantId, objectType: 'merchant', objectId: merchantId, data: { reason } });
 * ```
 */
@injectable()
export class AuditLog {
  constructor(@inject(CLOCK) private readonly clock: Clock) {}

  async record(q: Queryable, entry: AuditEntry): Promise<void> {
    await q('audit_log').insert({
      id: newId('aud'),
      actor: entry.actor,
      action: entry.action,
      merchant_id: entry.merchantId ?? null,
      object_type: entry.objectType,
      object_id: entry.objectId,
      data: JSON.stringify(entry.data),
      created_at: this.clock.now(),
    });
  }

  /** Newest first; `startingAfter` is an entry id (undefined result: no such entry). */
  async list(
    q: Queryable,
    filter: { merchantId: string | undefined; limit: number; startingAfter: string | undefined },
  ): Promise<{ entries: AuditEntryView[]; hasMore: boolean } | undefined> {
    let query = q('audit_log')
      .orderBy('seq', 'desc')
      .limit(filter.limit + 1);
    if (filter.merchantId !== undefined) query = query.where({ merchant_id: filter.merchantId });
    if (filter.startingAfter !== undefined) {
      const cursor = await q('audit_log').where({ id: filter.startingAfter }).first();
      if (cursor === undefined) return undefined;
      query = query.where('seq', '<', cursor.seq);
    }
    const rows = await query;
    return { entries: rows.slice(0, filter.limit).map(toView), hasMore: rows.length > filter.limit };
  }
}

function toView(row: Record<string, unknown>): AuditEntryView {
  return {
    id: String(row.id),
    object: 'audit_entry',
    actor: String(row.actor),
    action: String(row.action),
    merchant_id: row.merchant_id === null ? null : String(row.merchant_id),
    object_type: String(row.object_type),
    object_id: String(row.object_id),
    data: JSON.parse(String(row.data)),
    created_at: new Date(Number(row.created_at)).toISOString(),
  };
}
