import { Request, Response } from 'express';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { MerchantContext } from '../merchants/merchant-context';

/**
 * Runs a POST handler under the request's Idempotency-Key and sends the (possibly
 * replayed) response. Call it after the body has been validated: a request that
 * fails validation never claims its key. Plugins' API routes use it too (from `@tender/core`).
 *
 * @example
 * ```ts
 * await sendIdempotent(idempotency, req, res, callerOf(res), async () => ({ status: 201, body: await customers.create(ctx, input) }));
 * ```
 */
export async function sendIdempotent(
  idempotency: IdempotencyService,
  req: Request,
  res: Response,
  ctx: MerchantContext,
  handler: () => Promise<{ status: number; body: unknown }>,
): Promise<void> {
  const header = req.headers['idempotency-key'];
  const key = typeof header === 'string' ? header : undefined;
  // The request's fingerprint only matters under a key: without one, the body is not serialised a second time.
  const request = key === undefined ? [] : [req.method, req.baseUrl + req.path, canonicalJson(req.body)];
  const response = await idempotency.run(ctx, key, request, async () => {
    const { status, body } = await handler();
    return { status, body: JSON.stringify(body) };
  });
  if (response.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(response.status).type('application/json').send(response.body);
}

/** JSON with sorted keys, so the same body with its keys in another order is the same request. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The idempotency key, for services that tie a created object to it. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const header = req.headers['idempotency-key'];
  return typeof header === 'string' ? header : undefined;
}
