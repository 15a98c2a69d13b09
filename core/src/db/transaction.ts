import { TenderError } from '../errors/tender-error';
import { Database, Transaction, isMysql } from './database';
import { runOnConnection } from './connection-transaction';

/** How many times a transaction runs at most before its conflict reaches the caller. */
export const TRANSACTION_ATTEMPTS = 10;

/**
 * ER_LOCK_DEADLOCK (1213): chosen as a deadlock victim, or, on a Galera cluster,
 * lost certification against a write set committed on another node (reported at
 * COMMIT, or to a statement whose transaction a replicated write set aborted).
 * ER_LOCK_WAIT_TIMEOUT (1205): a lock wait timed out.
 */
const CONFLICT_ERRNOS = new Set([1213, 1205]);
/** Galera's wording for a brute-force abort, whatever errno the driver surfaced it with. */
const WSREP_CONFLICT = /WSREP detected deadlock\/conflict|Deadlock found when trying to get lock/i;
/**
 * SQLite's "database is locked" (SQLITE_BUSY and its extended codes): another process
 * held the file's write lock past `busy_timeout`. Transactions begin with `BEGIN
 * IMMEDIATE` (sqlite-client.ts), so the lock is refused at BEGIN, before anything was
 * written, and the transaction rolls back whole.
 */
const SQLITE_BUSY = /^SQLITE_BUSY/;

/**
 * True when the database rolled the whole transaction back because it lost a race
 * to another transaction (on SQLite: another process held the write lock too long):
 * nothing of it was written, so running it again from the
 * start is safe. A lost connection or an error at an unknown point is NOT such an
 * error (the COMMIT may have happened), and is never retried here.
 *
 * @example
 * ```ts
 * isTransactionConflict({ errno: 1213, message: 'Deadlock found when trying to get lock' }); // true
 * isTransactionConflict({ code: 'SQLITE_BUSY', message: 'database is locked' }); // true
 * isTransactionConflict({ errno: 1062 }); // false: a unique violation is an answer, not a race
 * ```
 */
export function isTransactionConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { errno, message, code } = error as { errno?: unknown; message?: unknown; code?: unknown };
  if (typeof errno === 'number' && CONFLICT_ERRNOS.has(errno)) return true;
  if (typeof code === 'string' && SQLITE_BUSY.test(code)) return true;
  return typeof message === 'string' && WSREP_CONFLICT.test(message);
}

/**
 * The pause before attempt `attempt + 1`: exponential with full jitter (0 to
 * 10 ms · 2^(attempt-1), at most 1 s), so two transactions that keep colliding
 * on the same row (two gateways on two Galera nodes refunding one payment, or
 * paying with one card at once) stop retrying in lockstep. Ten attempts wait at
 * most about 3.3 s in all.
 */
export function conflictBackoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(1000, 10 * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling) + 1;
}

/**
 * Runs `work` in one transaction, and runs it again from the start (a new
 * transaction, fresh reads) when the database reports that it lost a conflict
 * (deadlock, lock wait timeout, Galera certification failure): up to
 * TRANSACTION_ATTEMPTS times, with jittered backoff in between. When the last
 * attempt loses too, the caller gets `write_conflict` (503, retryable: nothing was
 * written) rather than an internal error.
 *
 * `work` may therefore run more than once, so it must have no effect outside the
 * transaction: no bank call, no HTTP request, no e-mail. Tender keeps those after
 * the commit (a bank call is recorded as a pending operation inside the transaction
 * and made once it has committed; see docs/galera.md).
 *
 * Called inside another transaction (`db` is itself a transaction), it does not
 * retry: the conflict rolled back the outer transaction too, so only the outermost
 * call may start again.
 *
 * @example
 * ```ts
 * const payment = await inTransaction(db, async (trx) => {
 *   const current = await payments.find(trx, ctx, id, { lock: true });
 *   return writer.change(trx, current, { status: 'canceled' }, now);
 * });
 * ```
 */
export async function inTransaction<T>(db: Database, work: (trx: Transaction) => Promise<T>): Promise<T> {
  const nested = (db as { isTransaction?: boolean }).isTransaction === true;
  for (let attempt = 1; ; attempt++) {
    try {
      // MySQL/MariaDB: on a pooled connection without knex's per-transaction set-up
      // (connection-transaction.ts); SQLite keeps knex's (BEGIN IMMEDIATE, sqlite-client.ts).
      return await (!nested && isMysql(db) ? runOnConnection(db, work) : db.transaction(work));
    } catch (error) {
      if (nested || !isTransactionConflict(error)) throw error;
      if (attempt >= TRANSACTION_ATTEMPTS) throw new TenderError('write_conflict');
      await new Promise((resolve) => setTimeout(resolve, conflictBackoffMs(attempt)));
    }
  }
}
