import { Logger } from '../logging/logger';

/** A readiness check's verdict: ready, or not with a short reason. */
export type ReadinessOutcome = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * One thing the gateway needs before it should get traffic, checked on every
 * `GET /readyz`. Core has `database`, `migrations` and `key_ring`; plugins add theirs
 * with `ctx.registerReadinessCheck` (the accounts plugin: `certificate_authority`).
 * The reason is shown to whoever asks `/readyz`, so it must be short and hold no
 * secret, host name or merchant data; a check that throws counts as not ready, its
 * error logged and not shown. A check must be cheap (it runs at every probe) and
 * answer within `READINESS_TIMEOUT_MS`.
 *
 * @example
 * ```ts
 * ctx.registerReadinessCheck({
 *   name: 'acme_link',
 *   async check() {
 *     return link.connected() ? { ready: true } : { ready: false, reason: 'not connected to the Acme processing centre' };
 *   },
 * });
 * ```
 */
export interface ReadinessCheck {
  /** Stable and short (letters, digits, `_`), unique in the gateway. */
  readonly name: string;
  check(): Promise<ReadinessOutcome> | ReadinessOutcome;
}

/** Injection token under which every readiness check is registered (read back with resolveAll). */
export const READINESS_CHECK = Symbol('ReadinessCheck');

/** How long one check may take before it counts as failed. */
export const READINESS_TIMEOUT_MS = 3000;

/** `/readyz`'s body: `ready` or `not_ready`, and each check's verdict. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  readonly checks: ReadonlyArray<{ readonly name: string; readonly status: 'ok' | 'failed'; readonly reason?: string }>;
}

/** A check name plugins may use: it shows up in a JSON body and in logs. */
export function readinessCheckNameProblem(name: unknown): string | undefined {
  return typeof name === 'string' && /^[a-z][a-z0-9_]{0,39}$/.test(name)
    ? undefined
    : 'a readiness check needs a name of 1 to 40 lowercase letters, digits or _, starting with a letter';
}

/**
 * Runs every check at once, each bounded by READINESS_TIMEOUT_MS.
 *
 * @example
 * ```ts
 * const report = await runReadiness(container.resolveAll(READINESS_CHECK), logger);
 * res.status(report.status === 'ready' ? 200 : 503).json(report);
 * ```
 */
export async function runReadiness(checks: readonly ReadinessCheck[], logger: Logger): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const outcome = await bounded(c, logger);
      return outcome.ready ? { name: c.name, status: 'ok' as const } : { name: c.name, status: 'failed' as const, reason: outcome.reason.slice(0, 200) };
    }),
  );
  return { status: results.every((r) => r.status === 'ok') ? 'ready' : 'not_ready', checks: results };
}

async function bounded(check: ReadinessCheck, logger: Logger): Promise<ReadinessOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `no answer within ${READINESS_TIMEOUT_MS} ms` }), READINESS_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
  } catch (error) {
    logger.warn({ check: check.name, error: error instanceof Error ? error.message : String(error) }, 'readiness check failed');
    return { ready: false, reason: 'the check failed (see the log)' };
  } finally {
    clearTimeout(timer);
  }
}
