import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies a `Tender-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]` header over the
 * raw request body (not a re-serialised JSON object), as docs/webhooks.md specifies:
 * v1 = hex HMAC-SHA256(secret, "<t>.<raw body>"). During a secret rotation a header
 * carries two v1 values; either may match. `toleranceSeconds` bounds replays.
 *
 * @example
 * ```ts
 * app.post('/tender/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   if (!verifyWebhookSignature(req.body, req.header('Tender-Signature') ?? '', process.env.TENDER_WEBHOOK_SECRET!)) return res.sendStatus(400);
 *   const event = JSON.parse(req.body.toString('utf8'));
 *   res.sendStatus(200);
 * });
 * ```
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  header: string,
  secret: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  return signatures.some((s) => {
    if (!/^[0-9a-f]{64}$/i.test(s)) return false;
    return timingSafeEqual(Buffer.from(s, 'hex'), expected);
  });
}
