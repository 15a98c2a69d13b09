import { z } from 'zod';

/** The longest window a rule may have: counters older than this (and not locked) are purged. */
export const MAX_ATTEMPT_WINDOW_MS = 24 * 3600_000;

/**
 * One limit on attempts at something, per subject: at most `attempts` within a window of
 * `windowMs` that starts at the first attempt. The attempt that uses the last one locks
 * the subject for `lockMs` (or until the window ends, if later).
 *
 * `onSuccess` says what an attempt that turned out right does to the count:
 * - `clear`: the subject's count starts again (a password that was right forgets the typos before it);
 * - `release`: only this attempt is given back (successes from one address never add up);
 * - `keep`: every attempt counts, right or wrong (a plain rate limit: submissions, sign-ups).
 *
 * @example
 * ```ts
 * const perEmail: AttemptRule = { purpose: 'web_signin_email', attempts: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000, onSuccess: 'clear' };
 * ```
 */
export interface AttemptRule {
  /** What is limited; with the subject, the counter's key. 1 to 48 of `a-z 0-9 _ .` */
  readonly purpose: string;
  readonly attempts: number;
  readonly windowMs: number;
  readonly lockMs: number;
  readonly onSuccess: 'clear' | 'release' | 'keep';
}

const ruleSchema = z.object({
  purpose: z.string().regex(/^[a-z0-9_.]{1,48}$/),
  attempts: z.number().int().min(1).max(1_000_000),
  windowMs: z.number().int().min(1).max(MAX_ATTEMPT_WINDOW_MS),
  lockMs: z.number().int().min(0).max(MAX_ATTEMPT_WINDOW_MS),
  onSuccess: z.enum(['clear', 'release', 'keep']),
});

/** Throws when a rule cannot be kept (a programming error, caught by the first test that uses it). */
export function assertAttemptRule(rule: AttemptRule): void {
  const parsed = ruleSchema.safeParse(rule);
  if (!parsed.success)
    throw new Error(`attempt rule ${JSON.stringify(rule)} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
}
