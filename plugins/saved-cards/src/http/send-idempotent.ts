import { IdempotencyService, MerchantContext } from '@tender/core';
import { Request, Response } from 'express';

/**
 * Runs a POST handler under the request's Idempotency-Key (core's IdempotencyService)
 * and sends the possibly replayed answer, as core's own routes do. Call it after the
 * body has been validated: a request refused for its input never claims the key.
 * (Core keeps its own helper internal; this is the plugin's copy of the same few lines.)
 *
 * @example
 * ```ts
 * await sendIdempotent(idempotency, req, res, ctx, async () => ({ status: 201, body: await customers.create(ctx, input) }));
 * ```
 */
export async function sendIdempotent(idempotency: IdempotencyService, req: Request, res: Response, ctx: MerchantContext, handler: () => Promise<{ status: number; body: unknown }>): Promise<void> {
  const header = req.headers['idempotency-key'];
  const key = typeof header === 'string' ? header : undefined;
  const response = await idempotency.run(ctx, key, [req.method, req.baseUrl + req.path, sortedJson(req.body)], async () => {
    const { status, body } = await handler();
    return { status, body: JSON.stringify(body) };
  });
  if (response.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(response.status).type('application/json').send(response.body);
}

/** JSON with sorted keys: the same body with its keys in another order is the same request. */
function sortedJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
