import http from 'node:http';
import https from 'node:https';
import { LookupFunction } from 'node:net';

/** What one POST to a receiver came to. `statusCode` is null when no answer arrived. */
export interface SendResult {
  readonly statusCode: number | null;
  readonly latencyMs: number;
  /** The first bytes of the answer, for the delivery log. */
  readonly excerpt: string | null;
  readonly error: string | null;
}

const EXCERPT_BYTES = 512;
const MAX_READ_BYTES = 64 * 1024;

/**
 * POSTs one webhook. Redirects are not followed (a 3xx is a failed attempt: following
 * it would bypass the address checks), the answer is read only far enough for the
 * log, and the whole exchange is bounded by `timeoutMs`.
 *
 * @example
 * ```ts
 * const r = await sendWebhook(new URL('https://shop.example/hooks'), body, headers, { timeoutMs: 10_000, lookup });
 * ```
 */
export function sendWebhook(url: URL, body: string, headers: Record<string, string>, options: { timeoutMs: number; lookup: LookupFunction }): Promise<SendResult> {
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number((process.hrtime.bigint() - started) / 1_000_000n);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed() });
    };
    const req = transport.request(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'User-Agent': 'Tender-Webhooks/1', ...headers },
        lookup: options.lookup,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read <= MAX_READ_BYTES) chunks.push(chunk);
          else res.destroy();
        });
        const done = (): void => {
          const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
          finish({ statusCode: res.statusCode ?? null, excerpt, error: null });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ statusCode: null, excerpt: null, error: `no answer within ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    req.on('error', (error: Error) => finish({ statusCode: null, excerpt: null, error: error.message }));
    req.end(body);
  });
}
