import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<{ readonly requestId: string }>();

/**
 * Runs the rest of a request's handling with its id in scope, so that every log line
 * written while serving it, by core or by a plugin, carries `request_id` (the
 * logger's mixin reads `requestLogFields`), not only the request's own line.
 *
 * @example
 * ```ts
 * withRequestId(id, () => next());
 * logger.info('bank answered'); // {"request_id":"...","msg":"bank answered"}
 * ```
 */
export function withRequestId(requestId: string, work: () => void): void {
  current.run({ requestId }, work);
}

/** `{ request_id }` while a request is being served, else nothing (background jobs). */
export function requestLogFields(): { request_id?: string } {
  const store = current.getStore();
  return store === undefined ? {} : { request_id: store.requestId };
}
