import { BackgroundJob, Database, JobScheduler, forUpdate, inTransaction, toMinorUnits } from '@tender/core';
import { PointsLedger } from './points-ledger';

const DAY_MS = 86_400_000;
const BATCH = 200;

/**
 * Expiry: in a program with `expiry_days`, a member account with no movement for
 * that many days loses its balance to the program's `expired` account (one
 * `expiry` movement, its key naming the account's version, so a second round or
 * a second process expires nothing twice). Each account is expired in its own
 * transaction under its row lock, after checking again that it is still idle.
 *
 * @example
 * ```ts
 * const expired = await expiry.runOnce(Date.now()); // accounts expired this round
 * ```
 */
export class PointsExpiry {
  constructor(
    private readonly db: () => Database,
    private readonly ledger: PointsLedger,
  ) {}

  async runOnce(now: number): Promise<number> {
    let expired = 0;
    for (const program of await this.db()('loyalty_programs').whereNotNull('expiry_days')) {
      const idleSince = now - Number(program.expiry_days) * DAY_MS;
      const stale = await this.db()('loyalty_accounts')
        .where({ program_id: program.id, kind: 'member' })
        .where('balance', '>', 0)
        .where('last_activity_at', '<', idleSince)
        .limit(BATCH);
      for (const account of stale) {
        const done = await inTransaction(this.db(), async (trx) => {
          const current = await forUpdate(trx, trx('loyalty_accounts').where({ id: account.id })).first();
          const balance = toMinorUnits(current.balance);
          if (balance <= 0 || Number(current.last_activity_at) >= idleSince) return false;
          const card = await trx('loyalty_cards').where({ account_id: account.id }).first();
          const sink = await this.ledger.systemAccount(trx, String(program.id), 'expired', now);
          return this.ledger.post(
            trx,
            {
              programId: String(program.id),
              cardId: String(card.id),
              kind: 'expiry',
              points: balance,
              merchantId: program.merchant_id ?? null,
              livemode: Boolean(program.livemode),
              paymentId: null,
              idempotencyKey: `expiry:${String(account.id)}:${Number(current.version)}`,
              now,
            },
            [
              { accountId: String(account.id), points: -balance },
              { accountId: sink, points: balance },
            ],
          );
        });
        if (done) expired++;
      }
    }
    return expired;
  }
}

/** Runs the expiry every `intervalMs` (0: never; the operator's `POST /admin/v1/loyalty/expire` still runs it). */
export function expiryJob(expiry: PointsExpiry, intervalMs: number, now: () => number, scheduler: JobScheduler): BackgroundJob {
  if (intervalMs === 0) return { name: 'loyalty-points-expiry', start: () => undefined, stop: async () => undefined };
  // Exclusive: one process expires points at a time, on a schedule all processes share.
  return scheduler.job({
    name: 'loyalty-points-expiry',
    intervalMs,
    runAtStart: false,
    run: async () => {
      await expiry.runOnce(now());
    },
  });
}
