import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, isUniqueViolation } from '../db/database';
import { AttemptRule, MAX_ATTEMPT_WINDOW_MS, assertAttemptRule } from './attempt-rule';

/** One limit to pass: a rule and whom it counts (an e-mail, an account, a client address...). */
export interface AttemptCheck {
  readonly rule: AttemptRule;
  readonly subject: string;
}

/** What an allowed attempt holds until it is known whether it was right. */
export interface AttemptTicket {
  readonly slots: readonly ReservedSlot[];
}

interface ReservedSlot {
  readonly rule: AttemptRule;
  readonly subjectHash: string;
  /** The window the attempt was counted in; giving it back touches that window only. */
  readonly windowStartedAt: number;
}

export type AttemptDecision =
  { readonly allowed: true; readonly ticket: AttemptTicket } | { readonly allowed: false; readonly until: number; readonly rule: AttemptRule };

interface CounterRow {
  purpose: string;
  subject_hash: string;
  attempts: number;
  window_started_at: number | string;
  locked_until: number | string | null;
}

/** MySQL/MariaDB deadlock victim and lock wait timeout; on Galera a certification conflict comes back as a deadlock. */
const CONFLICT_ERRNOS = new Set([1213, 1205]);
/** Each round that does not settle means another attempt on the same counter made progress. */
const MAX_ROUNDS = 8;

/**
 * The gateway's one limiter of attempts (sign-in, TOTP codes, password changes, Assist
 * API logins; later page submissions and sign-ups), kept in the database
 * (`attempt_counters`) so that every gateway process counts together.
 *
 * An attempt is counted *before* it is checked: `reserve` takes one attempt from every
 * limit it names, with a conditional UPDATE (`attempts = attempts + 1 WHERE attempts <
 * limit`) or the INSERT of a new counter, so of N attempts sent at once at most the
 * limit get through, whichever process answers them. No row lock is held across
 * statements (no SELECT ... FOR UPDATE): on a Galera cluster two nodes taking the same
 * last attempt conflict at commit, and the loser retries and finds the limit reached.
 * An attempt that turns out right is given back (`succeeded`); a wrong one stays counted.
 *
 * @example
 * ```ts
 * const decision = await limiter.reserve([{ rule: SIGNIN_LIMITS.perEmail, subject: email }, { rule: SIGNIN_LIMITS.perAddress, subject: clientAddressSubject(req.ip) }]);
 * if (!decision.allowed) return locked(decision.until);
 * if (await passwordIsRight()) await limiter.succeeded(decision.ticket); // else it stays counted
 * ```
 */
@injectable()
export class AttemptLimiter {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Takes one attempt from each check, in order. All or nothing: when one is refused,
   * those already taken are given back, so a refused attempt counts nowhere.
   */
  async reserve(checks: readonly AttemptCheck[]): Promise<AttemptDecision> {
    const slots: ReservedSlot[] = [];
    for (const check of checks) {
      assertAttemptRule(check.rule);
      const subjectHash = hashSubject(check.subject);
      const taken = await this.take(check.rule, subjectHash);
      if (typeof taken === 'number') {
        await this.giveBack(slots);
        return { allowed: false, until: taken, rule: check.rule };
      }
      slots.push({ rule: check.rule, subjectHash, windowStartedAt: taken.windowStartedAt });
    }
    return { allowed: true, ticket: { slots } };
  }

  /** The attempt was right: each rule's `onSuccess` (clear the count, give this attempt back, or keep it). */
  async succeeded(ticket: AttemptTicket): Promise<void> {
    for (const slot of ticket.slots) {
      if (slot.rule.onSuccess === 'clear') await this.counter(slot.rule.purpose, slot.subjectHash).delete();
      else if (slot.rule.onSuccess === 'release') await this.giveBack([slot]);
    }
  }

  /** Forgets a subject's count (an operator lifting a lock). */
  async forget(rule: AttemptRule, subject: string): Promise<void> {
    await this.counter(rule.purpose, hashSubject(subject)).delete();
  }

  /** Deletes counters whose window and lock are over (run hourly; they would be reset on the next attempt anyway). */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now();
    return this.db('attempt_counters')
      .where('window_started_at', '<=', now - MAX_ATTEMPT_WINDOW_MS)
      .where((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', now))
      .delete();
  }

  /** One attempt from one counter: the window it was counted in, or when the subject may try again. */
  private async take(rule: AttemptRule, subjectHash: string): Promise<{ windowStartedAt: number } | number> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.clock.now();
      const lockFrom = (attempts: number): number | null => (attempts >= rule.attempts ? now + rule.lockMs : null);
      try {
        const row = (await this.counter(rule.purpose, subjectHash).first()) as CounterRow | undefined;
        if (row === undefined) {
          try {
            await this.db('attempt_counters').insert({
              purpose: rule.purpose,
              subject_hash: subjectHash,
              attempts: 1,
              window_started_at: now,
              locked_until: lockFrom(1),
            });
            return { windowStartedAt: now };
          } catch (error) {
            if (isUniqueViolation(error)) continue; // another attempt created it first: count on it
            throw error;
          }
        }
        const windowStartedAt = Number(row.window_started_at);
        const lockedUntil = row.locked_until === null ? null : Number(row.locked_until);
        const lockOver = lockedUntil === null || lockedUntil <= now;
        if (now - windowStartedAt >= rule.windowMs && lockOver) {
          // A new window, started by whichever attempt gets here first (the window it saw is the condition).
          const started = await this.counter(rule.purpose, subjectHash)
            .where({ window_started_at: windowStartedAt })
            .update({ attempts: 1, window_started_at: now, locked_until: lockFrom(1) });
          if (started === 1) return { windowStartedAt: now };
          continue;
        }
        if (row.attempts >= rule.attempts || !lockOver) return Math.max(lockedUntil ?? 0, windowStartedAt + rule.windowMs);
        // locked_until is assigned first: MySQL evaluates SET left to right with the new
        // values, SQLite with the old ones; this way both read the old attempts.
        const counted = await this.counter(rule.purpose, subjectHash)
          .where({ window_started_at: windowStartedAt })
          .where('attempts', '<', rule.attempts)
          .update({
            locked_until: this.db.raw('CASE WHEN attempts + 1 >= ? THEN ? ELSE locked_until END', [rule.attempts, now + rule.lockMs]),
            attempts: this.db.raw('attempts + 1'),
          });
        if (counted === 1) return { windowStartedAt };
      } catch (error) {
        if (!CONFLICT_ERRNOS.has((error as { errno?: number }).errno ?? 0)) throw error;
      }
    }
    // Contended past every round: refuse rather than let an uncounted attempt through.
    return this.clock.now() + 1000;
  }

  private async giveBack(slots: readonly ReservedSlot[]): Promise<void> {
    for (const slot of slots) {
      // Below the limit again, so no lock; only in the window it was counted in.
      await this.counter(slot.rule.purpose, slot.subjectHash)
        .where({ window_started_at: slot.windowStartedAt })
        .where('attempts', '>', 0)
        .update({ locked_until: null, attempts: this.db.raw('attempts - 1') });
    }
  }

  private counter(purpose: string, subjectHash: string) {
    return this.db('attempt_counters').where({ purpose, subject_hash: subjectHash });
  }
}

/** Hashed: the key stays bounded and the table holds no e-mail or address in clear. */
function hashSubject(subject: string): string {
  return createHash('sha256').update(subject, 'utf8').digest('hex');
}
