import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, isUniqueViolation } from '../db/database';

/** One plain rate limit: at most `limit` hits per subject in each fixed window of `windowMs`. */
export interface RateLimit {
  /** 1 to 48 of `a-z 0-9 _ .`; with the subject and the window, the counter's key. */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** The longest window a rate limit may have; counters of older windows are purged. */
export const MAX_RATE_WINDOW_MS = 3600_000;

/** MySQL/MariaDB deadlock victim and lock wait timeout; on Galera a certification conflict comes back as a deadlock. */
const CONFLICT_ERRNOS = new Set([1213, 1205]);

/**
 * Plain rate limits (card-form submissions, sign-ups) counted in the database
 * (`rate_counters`, migration 041), so N gateway processes count together: one row per
 * limit, subject (a SHA-256, never the address in clear) and fixed window. A hit is
 * one conditional UPDATE (`hits < limit`) on the window's row, or the INSERT that
 * creates it: of N hits sent at once through any processes, at most `limit` pass. No
 * row lock is waited on (Galera-safe: two nodes taking the last hit conflict at commit;
 * the loser's hit is refused). Fixed windows let a subject use up to twice the limit
 * across a window boundary, which an abuse brake tolerates.
 *
 * Times are the system's wall clock, not the gateway's business clock: windows are
 * shared between processes.
 *
 * @example
 * ```ts
 * if (!(await counter.hit({ name: 'page_submit_ip', limit: 30, windowMs: 60_000 }, req.ip))) throw new TenderError('rate_limited');
 * ```
 */
@injectable()
export class RateCounter {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** Counts one hit; false (and nothing counted) when the subject used its limit in this window. */
  async hit(limit: RateLimit, subject: string, now = Date.now()): Promise<boolean> {
    assertRateLimit(limit);
    const key = { name: limit.name, subject_hash: hashSubject(subject), window_start: now - (now % limit.windowMs) };
    try {
      for (let round = 0; round < 2; round++) {
        const counted = await this.db('rate_counters')
          .where(key)
          .where('hits', '<', limit.limit)
          .update({ hits: this.db.raw('hits + 1') });
        if (counted === 1) return true;
        try {
          await this.db('rate_counters').insert({ ...key, hits: 1 });
          return true;
        } catch (error) {
          // The row exists: it is full, or another hit created it just now (then count on it once more).
          if (!isUniqueViolation(error)) throw error;
        }
      }
      return false;
    } catch (error) {
      // Contended on a cluster: refuse rather than let an uncounted hit through.
      if (CONFLICT_ERRNOS.has((error as { errno?: number }).errno ?? 0)) return false;
      throw error;
    }
  }

  /** Deletes the counters of windows that are over (run hourly by the scheduler). */
  async purgeExpired(now = Date.now()): Promise<number> {
    return this.db('rate_counters')
      .where('window_start', '<', now - 2 * MAX_RATE_WINDOW_MS)
      .delete();
  }
}

function assertRateLimit(limit: RateLimit): void {
  if (
    !/^[a-z0-9_.]{1,48}$/.test(limit.name) ||
    !Number.isInteger(limit.limit) ||
    limit.limit < 1 ||
    !Number.isInteger(limit.windowMs) ||
    limit.windowMs < 1 ||
    limit.windowMs > MAX_RATE_WINDOW_MS
  ) {
    throw new Error(`rate limit ${JSON.stringify(limit)} is invalid`);
  }
}

function hashSubject(subject: string): string {
  return createHash('sha256').update(subject, 'utf8').digest('hex');
}
