/**
 * An event as the API and webhooks show it: the object as it was right after the
 * change the event announces.
 *
 * @example
 * ```json
 * { "id": "evt_...", "object": "event", "type": "payment.captured", "created_at": "2026-11-27T06:00:00.000Z",
 *   "livemode": false, "data": { "object": { "id": "pay_...", "object": "payment", "status": "captured" } } }
 * ```
 */
export interface EventView {
  id: string;
  object: 'event';
  type: string;
  created_at: string;
  livemode: boolean;
  data: { object: unknown };
}

export function eventView(row: Record<string, unknown>): EventView {
  return {
    id: String(row.id),
    object: 'event',
    type: String(row.type),
    created_at: new Date(Number(row.created_at)).toISOString(),
    livemode: Boolean(row.livemode),
    data: JSON.parse(String(row.data)) as { object: unknown },
  };
}
