/**
 * A value built on first use. Plugins register before core's services are built
 * (the current plugin API), so routers resolve what they use (PaymentService, the
 * bank registry) at the first request, when the gateway is complete.
 *
 * @example
 * ```ts
 * const payments = lazy(() => container.resolve(PaymentService));
 * router.get('/x', async (_req, res) => res.json(await payments().retrieve(ctx, id)));
 * ```
 */
export function lazy<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: build() }).v;
}
