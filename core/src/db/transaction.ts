import { Database, Transaction } from './database';

const DEADLOCK_ERRNOS = new Set([1213, 1205]);

/**
 * Runs `work` in one transaction. MySQL may pick this transaction as a deadlock
 * victim (or time out a lock wait); it has then been rolled back entirely, so it
 * is safe to run again, up to a few times.
 */
export async function inTransaction<T>(db: Database, work: (trx: Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      const errno = (error as { errno?: number }).errno;
      if (attempt >= 4 || errno === undefined || !DEADLOCK_ERRNOS.has(errno)) throw error;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.floor(Math.random() * 10)));
    }
  }
}
