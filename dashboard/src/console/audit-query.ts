import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '@tender/core';

/** What the console's audit screen filters on; every field is optional. */
export interface AuditFilter {
  readonly actor?: string | undefined;
  /** Exact action ('merchant.suspend') or a family ending in a dot ('merchant.'). */
  readonly action?: string | undefined;
  readonly merchantId?: string | undefined;
  readonly objectType?: string | undefined;
  /** Epoch milliseconds, inclusive. */
  readonly from?: number | undefined;
  /** Epoch milliseconds, exclusive. */
  readonly to?: number | undefined;
}

/** One page of the audit log; cursors are entry ids, undefined where there is nothing further. */
export interface AuditPage {
  readonly entries: ReadonlyArray<{
    id: string;
    actor: string;
    action: string;
    merchantId: string | null;
    objectType: string;
    objectId: string;
    data: string;
    createdAt: number;
  }>;
  /** Pass as `before` for the next (older) page. */
  readonly older: string | undefined;
  /** Pass as `after` for the previous (newer) page. */
  readonly newer: string | undefined;
}

/**
 * The audit log for the console: filtered, newest first, with keyset pagination on
 * `seq` in both directions, so page 1000 costs what page 1 costs (no OFFSET).
 *
 * @example
 * ```ts
 * const first = await query.page({ action: 'merchant.' }, { limit: 50 });
 * const second = await query.page({ action: 'merchant.' }, { limit: 50, before: first.older });
 * ```
 */
@injectable()
export class AuditQuery {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** undefined: the cursor names no entry. */
  async page(filter: AuditFilter, at: { limit: number; before?: string | undefined; after?: string | undefined }): Promise<AuditPage | undefined> {
    const cursorId = at.before ?? at.after;
    let cursorSeq: number | undefined;
    if (cursorId !== undefined) {
      const row = (await this.db('audit_log').select('seq').where({ id: cursorId }).first()) as { seq: number | string } | undefined;
      if (row === undefined) return undefined;
      cursorSeq = Number(row.seq);
    }
    const backwards = at.before === undefined && at.after !== undefined;
    let query = this.db('audit_log').limit(at.limit + 1);
    if (filter.actor !== undefined) query = query.where('actor', filter.actor);
    // A family 'merchant.' is the range ['merchant.', 'merchant/'): '/' follows '.', and a range needs no LIKE escaping.
    if (filter.action !== undefined)
      query = filter.action.endsWith('.')
        ? query.where('action', '>=', filter.action).andWhere('action', '<', `${filter.action.slice(0, -1)}/`)
        : query.where('action', filter.action);
    if (filter.merchantId !== undefined) query = query.where('merchant_id', filter.merchantId);
    if (filter.objectType !== undefined) query = query.where('object_type', filter.objectType);
    if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('created_at', '<', filter.to);
    if (cursorSeq !== undefined) query = query.where('seq', backwards ? '>' : '<', cursorSeq);
    const rows = (await query.orderBy('seq', backwards ? 'asc' : 'desc')) as Array<Record<string, unknown>>;
    const more = rows.length > at.limit;
    const shown = rows.slice(0, at.limit);
    if (backwards) shown.reverse();
    const entries = shown.map((r) => ({
      id: String(r.id),
      actor: String(r.actor),
      action: String(r.action),
      merchantId: r.merchant_id === null ? null : String(r.merchant_id),
      objectType: String(r.object_type),
      objectId: String(r.object_id),
      data: String(r.data),
      createdAt: Number(r.created_at),
    }));
    const first = entries[0];
    const last = entries[entries.length - 1];
    // Going older, "newer" exists whenever we came from a cursor; going newer, "older" does.
    return {
      entries,
      older: last === undefined ? undefined : backwards ? (cursorSeq !== undefined ? last.id : undefined) : more ? last.id : undefined,
      newer: first === undefined ? undefined : backwards ? (more ? first.id : undefined) : cursorSeq !== undefined ? first.id : undefined,
    };
  }
}
