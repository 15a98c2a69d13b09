import { z } from 'zod';

/**
 * Settings of the outbound HTTP client (docs/security.md, section 4): whether test-mode
 * targets may be private addresses, and the default time limits.
 *
 * @example
 * ```ts
 * loadOutboundConfig({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' }).allowPrivate; // true
 * ```
 */
export interface OutboundConfig {
  /**
   * Test-mode targets (webhook endpoints, Saleor stores, Assist result URLs) may be
   * loopback and private addresses (local development). Live-mode targets never may.
   */
  readonly allowPrivate: boolean;
  /** The TCP (and TLS) connection must be up within this. */
  readonly connectTimeoutMs: number;
  /** Whole-request deadline for platform API calls and result pushes (webhooks have TENDER_WEBHOOK_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

const flag = z.enum(['true', 'false']).optional();

const schema = z.object({
  TENDER_OUTBOUND_ALLOW_PRIVATE: flag,
  // The name this setting had when only webhooks had it; still honoured.
  TENDER_WEBHOOKS_ALLOW_PRIVATE: flag,
  TENDER_OUTBOUND_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(5000),
  TENDER_OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(1).max(300_000).default(10_000),
});

export function loadOutboundConfig(env: Record<string, string | undefined>): OutboundConfig | { error: string[] } {
  const parsed = schema.safeParse(env);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const e = parsed.data;
  return {
    allowPrivate: (e.TENDER_OUTBOUND_ALLOW_PRIVATE ?? e.TENDER_WEBHOOKS_ALLOW_PRIVATE) === 'true',
    connectTimeoutMs: e.TENDER_OUTBOUND_CONNECT_TIMEOUT_MS,
    timeoutMs: e.TENDER_OUTBOUND_TIMEOUT_MS,
  };
}
