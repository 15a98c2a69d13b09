/**
 * The schedule state machine:
 *
 * ```
 * active ──soft decline──> past_due ──retry succeeds──> active
 *   │  └──last period charged──> completed <──last period's retry succeeds──┘ (from past_due)
 *   └──cancel, hard decline──> canceled <──cancel, hard decline, retries exhausted── past_due
 * ```
 *
 * `canceled` and `completed` are final: nothing more is charged, and a cancel answers
 * `schedule_not_active`.
 *
 * @example
 * ```ts
 * canMoveSchedule('past_due', 'active');   // true
 * canMoveSchedule('completed', 'active');  // false
 * ```
 */
export const SCHEDULE_STATUSES = ['active', 'past_due', 'canceled', 'completed'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

const MOVES: Readonly<Record<ScheduleStatus, readonly ScheduleStatus[]>> = {
  active: ['past_due', 'canceled', 'completed'],
  past_due: ['active', 'canceled', 'completed'],
  canceled: [],
  completed: [],
};

/** Statuses in which the charger still charges (and a cancel is accepted). */
export const LIVE_SCHEDULE_STATUSES: readonly ScheduleStatus[] = ['active', 'past_due'];

export function isLive(status: ScheduleStatus): boolean {
  return LIVE_SCHEDULE_STATUSES.includes(status);
}

export function canMoveSchedule(from: ScheduleStatus, to: ScheduleStatus): boolean {
  return from === to ? isLive(from) : MOVES[from].includes(to);
}

/** Why a schedule stopped before its last period. */
export type CancellationReason = 'requested' | 'hard_decline' | 'retries_exhausted' | 'customer_deleted' | 'payment_method_deleted';

export function isScheduleStatus(value: string): value is ScheduleStatus {
  return (SCHEDULE_STATUSES as readonly string[]).includes(value);
}
