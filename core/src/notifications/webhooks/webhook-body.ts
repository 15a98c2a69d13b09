/**
 * The body of a webhook: the event as the API shows it (eventView), written
 * straight from the event's row. The stored `data` is already JSON, so it is put in
 * as it is rather than parsed and written again: the same bytes as
 * `JSON.stringify(eventView(row))` for the compact JSON the outbox stores, at a
 * fraction of the cost, once per event whatever the number of endpoints.
 *
 * @example
 * ```ts
 * webhookBody({ id: 'evt_1', type: 'payment.captured', created_at: 1767225600000, livemode: 0, data: '{"object":{"id":"pay_1"}}' });
 * // '{"id":"evt_1","object":"event","type":"payment.captured","created_at":"2026-01-01T00:00:00.000Z","livemode":false,"data":{"object":{"id":"pay_1"}}}'
 * ```
 */
export function webhookBody(row: Record<string, unknown>): string {
  const head = {
    id: String(row.id),
    object: 'event',
    type: String(row.type),
    created_at: new Date(Number(row.created_at)).toISOString(),
    livemode: Boolean(row.livemode),
  };
  const json = JSON.stringify(head);
  return `${json.slice(0, -1)},"data":${String(row.data)}}`;
}
