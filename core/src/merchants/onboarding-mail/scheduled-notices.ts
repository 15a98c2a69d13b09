import { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { TenderConfig } from '../../config/config';
import { CONFIG } from '../../config/tokens';
import { DATABASE, Database, Queryable, isMysql } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { formatAmount } from '../../pages/amount-format';
import { MerchantMail } from './merchant-mail';

/** A test mode that ended longer ago than this gets no "ended" notice (an upgrade does not mail every old applicant). */
const ENDED_LOOKBACK_MS = 7 * 86_400_000;
const BATCH = 100;

/** How often the gateway looks for notices that are due (every serving process; the claim keeps each notice single). */
export const NOTICE_INTERVAL_MS = 30_000;

/**
 * The notices nothing else triggers, found by time: the warning before a merchant's
 * test mode ends (TENDER_TEST_MODE_WARNING_HOURS before), the notice when it has
 * ended, and the merchant's alert when a payment is held for review (an open review
 * whose authorization succeeded; the reconciler may learn that late). Each is
 * claimed in `sent_notices` by a key naming what makes it new (the test mode's end,
 * the review), in the transaction that queues the e-mail: any number of gateway
 * processes running this, restarts included, send it once. The queries skip what is
 * claimed, so old notices never crowd out new ones.
 *
 * @example
 * ```ts
 * const queued = await notices.runOnce();
 * ```
 */
@injectable()
export class ScheduledNotices {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(MerchantMail) private readonly mail: MerchantMail,
  ) {}

  /** Queues every notice due now; returns how many were queued. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const warnMs = this.config.notifications.testModeWarningMs;
    let queued = 0;
    if (warnMs > 0) {
      for (const row of await this.testModes('warning', (q) =>
        q.where('m.test_mode_expires_at', '>', now).andWhere('m.test_mode_expires_at', '<=', now + warnMs),
      )) {
        queued += await this.testModeNotice(row.id, 'warning', row.expiresAt);
      }
    }
    for (const row of await this.testModes('ended', (q) =>
      q.where('m.test_mode_expires_at', '<=', now).andWhere('m.test_mode_expires_at', '>', now - ENDED_LOOKBACK_MS),
    )) {
      queued += await this.testModeNotice(row.id, 'ended', row.expiresAt);
    }
    for (const review of await this.heldReviews()) queued += await this.reviewHeld(review);
    return queued;
  }

  /** In an extension's transaction: the merchant learns its new end, once per new end. */
  async extended(q: Queryable, merchantId: string, expiresAt: number): Promise<boolean> {
    const to = await this.mail.merchant(q, merchantId);
    if (to === undefined) return false;
    return this.mail.toMerchant(
      q,
      to,
      'onboarding/test-mode-extended',
      'onboarding',
      { deadline: this.mail.moment(expiresAt, to) },
      { once: `test_mode.extended:${merchantId}:${expiresAt}` },
    );
  }

  private async testModes(kind: 'warning' | 'ended', window: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<Array<{ id: string; expiresAt: number }>> {
    const key = this.key(`test_mode.${kind}:`, 'm.id', 'm.test_mode_expires_at');
    const rows = (await window(
      this.db('merchants as m').select('m.id', 'm.test_mode_expires_at').where('m.stage', 'applied').whereNotNull('m.test_mode_expires_at'),
    )
      .whereNotExists((s) => s.select(this.db.raw('1')).from('sent_notices as n').where('n.notice_key', '=', key))
      .orderBy('m.test_mode_expires_at', 'asc')
      .limit(BATCH)) as Array<{ id: string; test_mode_expires_at: number | string }>;
    return rows.map((r) => ({ id: String(r.id), expiresAt: Number(r.test_mode_expires_at) }));
  }

  private testModeNotice(merchantId: string, kind: 'warning' | 'ended', expiresAt: number): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      // Re-read in the transaction: the merchant may have registered (no end any more) or been extended since the scan.
      const current = (await trx('merchants').select('stage', 'test_mode_expires_at').where({ id: merchantId }).first()) as
        { stage: string; test_mode_expires_at: number | string | null } | undefined;
      if (current === undefined || current.stage !== 'applied' || Number(current.test_mode_expires_at) !== expiresAt) return 0;
      const to = await this.mail.merchant(trx, merchantId);
      if (to === undefined) return 0;
      const sent = await this.mail.toMerchant(
        trx,
        to,
        `onboarding/test-mode-${kind}`,
        'onboarding',
        { deadline: this.mail.moment(expiresAt, to) },
        { once: `test_mode.${kind}:${merchantId}:${expiresAt}` },
      );
      return sent ? 1 : 0;
    });
  }

  private async heldReviews(): Promise<Array<Record<string, unknown>>> {
    const key = this.key('review.held:', 'r.id');
    return (await this.db('risk_reviews as r')
      .join('payments as p', (j) => j.on('p.id', '=', 'r.payment_id').andOn('p.merchant_id', '=', 'r.merchant_id'))
      .select('r.id', 'r.merchant_id', 'r.livemode', 'r.payment_id', 'r.amount', 'r.currency', 'r.expires_at', 'r.expire_decision')
      .where('r.status', 'open')
      .andWhere('p.status', 'authorized')
      .whereNotExists((s) => s.select(this.db.raw('1')).from('sent_notices as n').where('n.notice_key', '=', key))
      .orderBy('r.expires_at', 'asc')
      .limit(BATCH)) as Array<Record<string, unknown>>;
  }

  private reviewHeld(r: Record<string, unknown>): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      const to = await this.mail.merchant(trx, String(r.merchant_id));
      if (to === undefined) return 0;
      const data = {
        amount: formatAmount(Number(r.amount), String(r.currency), to.locale),
        payment_id: String(r.payment_id),
        deadline: this.mail.moment(Number(r.expires_at), to),
        expire_reject: r.expire_decision !== 'approve',
      };
      const sent = await this.mail.toMerchant(trx, to, 'onboarding/review-held', 'risk', data, {
        livemode: Boolean(r.livemode),
        once: `review.held:${String(r.id)}`,
      });
      return sent ? 1 : 0;
    });
  }

  /** The notice key as SQL, to skip claimed notices in the scan itself (MySQL has CONCAT, SQLite ||). */
  private key(prefix: string, ...columns: string[]): Knex.Raw {
    // `??` binds identifiers: the columns are ours, the prefix a value.
    if (isMysql(this.db)) return this.db.raw(`CONCAT(?, ${columns.map(() => '??').join(", ':', ")})`, [prefix, ...columns]);
    return this.db.raw(`? || ${columns.map(() => '??').join(" || ':' || ")}`, [prefix, ...columns]);
  }
}
