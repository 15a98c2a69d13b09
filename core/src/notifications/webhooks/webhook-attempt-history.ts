import type { Queryable } from '../../db/database';

/** One attempt of a delivery, as the delivery log and the dashboard show it. */
export interface DeliveryAttemptView {
  attempt: number;
  started_at: string;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

/**
 * The attempts of some deliveries, oldest first, from where they are recorded: failed
 * attempts (and any attempt of a row delivered before migration 050) are rows of
 * `webhook_attempts`; the attempt that delivered is on the delivery row itself
 * (`delivered_*`, its number `attempt_count`). Where both hold the same attempt (a
 * dispatcher whose lease ran out writes a row too), the `webhook_attempts` row wins.
 *
 * `deliveries` are `webhook_deliveries` rows the caller already read, scoped to its
 * merchant; the attempts are read by their ids only.
 *
 * @example
 * ```ts
 * const history = await webhookAttemptHistory(db, rows);
 * const last = history.get(rows[0].id)?.at(-1); // { attempt: 1, status_code: 200, ... }
 * ```
 */
export async function webhookAttemptHistory(db: Queryable, deliveries: ReadonlyArray<Record<string, unknown>>): Promise<Map<string, DeliveryAttemptView[]>> {
  const history = new Map<string, DeliveryAttemptView[]>(deliveries.map((d) => [String(d.id), []]));
  if (deliveries.length === 0) return history;
  const rows: Array<Record<string, unknown>> = await db('webhook_attempts')
    .whereIn('delivery_id', [...history.keys()])
    .orderBy('seq', 'asc');
  for (const a of rows) {
    history.get(String(a.delivery_id))?.push({
      attempt: Number(a.attempt),
      started_at: new Date(Number(a.started_at)).toISOString(),
      status_code: a.status_code === null ? null : Number(a.status_code),
      latency_ms: Number(a.latency_ms),
      response_excerpt: (a.response_excerpt as string | null) ?? null,
      error: (a.error as string | null) ?? null,
    });
  }
  for (const d of deliveries) {
    if (d.delivered_started_at === null || d.delivered_started_at === undefined) continue;
    const attempts = history.get(String(d.id));
    if (attempts === undefined) continue;
    const attempt = Number(d.attempt_count);
    if (attempts.some((a) => a.attempt === attempt)) continue;
    attempts.push({
      attempt,
      started_at: new Date(Number(d.delivered_started_at)).toISOString(),
      status_code: d.delivered_status_code === null ? null : Number(d.delivered_status_code),
      latency_ms: Number(d.delivered_latency_ms),
      response_excerpt: (d.delivered_excerpt as string | null) ?? null,
      error: null,
    });
    attempts.sort((a, b) => a.attempt - b.attempt);
  }
  return history;
}
