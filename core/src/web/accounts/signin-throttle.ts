import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { DATABASE, Database } from '../../db/database';
import { isUniqueViolation } from '../../db/database';

/**
 * Sign-in limits. Per e-mail (known or not, so the answer never tells which e-mails
 * have accounts): 5 failures within 15 minutes lock it for 15 minutes. Per client
 * address: 30 failures within 15 minutes lock the address for 15 minutes, which
 * slows spraying one password over many e-mails.
 */
export const SIGNIN_LIMITS = {
  perEmail: { failures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  perAddress: { failures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
} as const;

interface ThrottleRow {
  throttle_key: string;
  failures: number;
  window_started_at: number | string;
  locked_until: number | string | null;
}

/**
 * Failure counters kept in the database (web_signin_throttle), so every gateway
 * process sees the same counts and a lockout holds whichever process answers.
 *
 * @example
 * ```ts
 * if (await throttle.lockedUntil(keys) !== undefined) refuse();
 * else if (!ok) await throttle.recordFailure(keys); else await throttle.clear(keys.email);
 * ```
 */
@injectable()
export class SigninThrottle {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  static keys(realm: string, email: string, address: string): { email: string; address: string } {
    // Hashed: the key column stays bounded and holds no e-mail in clear.
    const h = (s: string): string => createHash('sha256').update(s).digest('hex');
    return { email: `e:${h(`${realm}:${email}`)}`, address: `a:${h(address)}` };
  }

  /** When the later of the two locks ends, or undefined when neither is locked. */
  async lockedUntil(keys: { email: string; address: string }): Promise<number | undefined> {
    const now = this.clock.now();
    const rows = (await this.db('web_signin_throttle').whereIn('throttle_key', [keys.email, keys.address])) as ThrottleRow[];
    const until = rows.map((r) => (r.locked_until === null ? 0 : Number(r.locked_until))).filter((t) => t > now);
    return until.length === 0 ? undefined : Math.max(...until);
  }

  async recordFailure(keys: { email: string; address: string }): Promise<void> {
    await this.bump(keys.email, SIGNIN_LIMITS.perEmail);
    await this.bump(keys.address, SIGNIN_LIMITS.perAddress);
  }

  async clear(key: string): Promise<void> {
    await this.db('web_signin_throttle').where({ throttle_key: key }).delete();
  }

  /** Counts one failure; a single UPDATE per attempt so concurrent processes do not lose counts. */
  private async bump(key: string, limit: { failures: number; windowMs: number; lockMs: number }): Promise<void> {
    const now = this.clock.now();
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = (await this.db('web_signin_throttle').where({ throttle_key: key }).first()) as ThrottleRow | undefined;
      if (row === undefined) {
        try {
          await this.db('web_signin_throttle').insert({ throttle_key: key, failures: 1, window_started_at: now, locked_until: limit.failures <= 1 ? now + limit.lockMs : null });
          return;
        } catch (error) {
          if (isUniqueViolation(error)) continue;
          throw error;
        }
      }
      const expired = now - Number(row.window_started_at) > limit.windowMs && (row.locked_until === null || Number(row.locked_until) <= now);
      if (expired) {
        const n = await this.db('web_signin_throttle').where({ throttle_key: key, failures: row.failures }).update({ failures: 1, window_started_at: now, locked_until: null });
        if (n === 1) return;
        continue;
      }
      const failures = row.failures + 1;
      const n = await this.db('web_signin_throttle')
        .where({ throttle_key: key, failures: row.failures })
        .update({ failures, locked_until: failures >= limit.failures ? now + limit.lockMs : row.locked_until });
      if (n === 1) return;
    }
  }
}
