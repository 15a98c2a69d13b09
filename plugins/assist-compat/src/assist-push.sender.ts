import { inject, injectable } from 'tsyringe';
import {
  BackgroundJob,
  CLOCK,
  Clock,
  DATABASE,
  Database,
  JobScheduler,
  LOGGER,
  Logger,
  OutboundHttpClient,
  PaymentView,
  isUniqueViolation,
} from '@tender/core';
import { AssistSettingsService } from './assist-settings.service';
import { AssistOrderService } from './assist-order.service';
import { AssistOrderSource, assistOrderFields } from './assist-order-fields';
import { pushAccepted } from './assist-push-answer';

export const ASSIST_PUSH_OPTIONS = Symbol('AssistPushOptions');

export interface AssistPushOptions {
  /** How often the outbox is read and due pushes are sent. */
  readonly intervalMs: number;
  /** The first retry waits this long; each further one twice as long, up to maxDelayMs. */
  readonly retryBaseMs: number;
  readonly maxDelayMs: number;
  /** After this many failed attempts a push is given up (status `failed`). */
  readonly maxAttempts: number;
  readonly timeoutMs: number;
}

export const DEFAULT_PUSH_OPTIONS: AssistPushOptions = { intervalMs: 2000, retryBaseMs: 30_000, maxDelayMs: 3600_000, maxAttempts: 12, timeoutMs: 10_000 };

/** Payment events whose new state the shop is told about. */
const PUSHED_EVENTS = [
  'payment.authorized',
  'payment.captured',
  'payment.declined',
  'payment.failed',
  'payment.canceled',
  'payment.partially_refunded',
  'payment.refunded',
];
const BATCH = 50;
/** No transaction stays open this long, so an event older than this has every earlier seq committed. */
const SETTLED_MS = 10 * 60_000;

/**
 * The result push: reads new payment events of merchants with Assist enabled from the
 * core's outbox (`events`), records one `assist_pushes` row per event, and POSTs the
 * Assist fields with their checkvalue to the shop's result URL until the shop answers
 * `<pushpaymentresult firstcode="0" secondcode="0">` (read as XML: assist-push-answer.ts), retrying with exponential backoff.
 * A payment's pushes go out in order: a later one waits while an earlier one is undelivered.
 * Pushes go through the outbound client (purpose `merchant_push`, the settings' mode):
 * the shop's address is checked at connect time, redirects are failed attempts, the
 * answer is bounded in time (`timeoutMs`) and size.
 *
 * @example
 * ```ts
 * sender.start();         // background loop (the plugin registers it as a gateway job)
 * await sender.runOnce(); // or one round, e.g. from a worker
 * await sender.stop();
 * ```
 */
@injectable()
export class AssistPushSender {
  private job: BackgroundJob | undefined;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(ASSIST_PUSH_OPTIONS) private readonly options: AssistPushOptions,
    @inject(AssistSettingsService) private readonly settings: AssistSettingsService,
    @inject(AssistOrderService) private readonly orders: AssistOrderService,
    @inject(OutboundHttpClient) private readonly outbound: OutboundHttpClient,
    @inject(JobScheduler) private readonly scheduler: JobScheduler,
  ) {}

  /**
   * Starts the sender as an exclusive job of the gateway's scheduler: one process at a
   * time sends (a payment's pushes stay in order and are not sent twice at once), and
   * another takes over within the lease if that process dies.
   */
  start(): void {
    this.job ??= this.scheduler.job({ name: 'assist-push', intervalMs: this.options.intervalMs, runAtStart: false, run: () => this.runOnce() });
    this.job.start();
  }

  async stop(): Promise<void> {
    await this.job?.stop();
  }

  /** One round: new events become pushes, due pushes are sent. Returns how many were delivered. */
  async runOnce(): Promise<number> {
    await this.collect();
    let delivered = 0;
    // A payment's next push becomes due only once the one before it is delivered, so a round
    // goes on while deliveries succeed (bounded, so one busy shop cannot hold the loop).
    for (let pass = 0; pass < 10; pass++) {
      let now = 0;
      for (const push of await this.due()) if (await this.deliver(push)) now++;
      delivered += now;
      if (now === 0) break;
    }
    return delivered;
  }

  /** Returns how many events became pushes. */
  private async collect(): Promise<number> {
    const events = await this.db('events as e')
      .join('assist_merchants as a', function () {
        this.on('a.merchant_id', '=', 'e.merchant_id').andOn('a.livemode', '=', 'e.livemode');
      })
      .where('a.enabled', true)
      .whereNotNull('a.result_url')
      .whereRaw('e.seq > a.events_after_seq')
      .whereIn('e.type', PUSHED_EVENTS)
      .whereNotExists(this.db('assist_pushes as p').select('p.seq').whereRaw('p.event_seq = e.seq'))
      .orderBy('e.seq', 'asc')
      .limit(BATCH)
      .select('e.seq', 'e.merchant_id', 'e.livemode', 'e.object_id');
    const now = this.clock.now();
    for (const e of events) {
      try {
        await this.db('assist_pushes').insert({
          event_seq: e.seq,
          merchant_id: e.merchant_id,
          livemode: e.livemode,
          payment_id: e.object_id,
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        });
      } catch (error) {
        // Another gateway process recorded it first.
        if (!isUniqueViolation(error)) throw error;
      }
    }
    if (events.length < BATCH) await this.advanceWatermarks(now);
    return events.length;
  }

  /**
   * Moves each pushing merchant's `events_after_seq` past events old enough that every
   * transaction before them has committed, so the anti-join above reads only recent
   * events instead of the merchant's whole history. Called only when the backlog is
   * collected (the last batch was not full).
   */
  private async advanceWatermarks(now: number): Promise<void> {
    const merchants = await this.db('assist_merchants')
      .where({ enabled: true })
      .whereNotNull('result_url')
      .select('merchant_id', 'livemode', 'events_after_seq');
    for (const m of merchants) {
      const row = await this.db('events')
        .where({ merchant_id: m.merchant_id, livemode: m.livemode })
        .andWhere('created_at', '<', now - SETTLED_MS)
        .max({ seq: 'seq' })
        .first();
      const settled = Number(row?.seq ?? 0);
      if (settled > Number(m.events_after_seq)) {
        await this.db('assist_merchants')
          .where({ merchant_id: m.merchant_id })
          .andWhere('events_after_seq', '<', settled)
          .update({ events_after_seq: settled });
      }
    }
  }

  private async due(): Promise<Array<Record<string, unknown>>> {
    const pushes = await this.db('assist_pushes')
      .where({ status: 'pending' })
      .andWhere('next_attempt_at', '<=', this.clock.now())
      .orderBy('seq', 'asc')
      .limit(BATCH);
    const waiting = new Set<string>();
    const ready: Array<Record<string, unknown>> = [];
    for (const p of pushes) {
      const earlier = await this.db('assist_pushes').where({ status: 'pending', payment_id: p.payment_id }).andWhere('seq', '<', p.seq).first();
      if (earlier !== undefined || waiting.has(String(p.payment_id))) continue;
      waiting.add(String(p.payment_id));
      ready.push(p);
    }
    return ready;
  }

  private async deliver(push: Record<string, unknown>): Promise<boolean> {
    const now = this.clock.now();
    // Claim it: of several processes, only the one whose update lands sends it.
    const claimed = await this.db('assist_pushes')
      .where({ seq: push.seq, status: 'pending', next_attempt_at: push.next_attempt_at })
      .update({ next_attempt_at: now + this.options.timeoutMs * 2, updated_at: now });
    if (claimed !== 1) return false;
    const attempts = Number(push.attempts) + 1;
    const error = await this.send(push);
    if (error === undefined) {
      await this.db('assist_pushes').where({ seq: push.seq }).update({ status: 'delivered', attempts, last_error: null, updated_at: this.clock.now() });
      return true;
    }
    const giveUp = attempts >= this.options.maxAttempts;
    const delay = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), this.options.maxDelayMs);
    await this.db('assist_pushes')
      .where({ seq: push.seq })
      .update({
        status: giveUp ? 'failed' : 'pending',
        attempts,
        last_error: error.slice(0, 500),
        next_attempt_at: this.clock.now() + delay,
        updated_at: this.clock.now(),
      });
    this.logger.warn({ push: Number(push.seq), payment: String(push.payment_id), attempts, error, gaveUp: giveUp }, 'assist push not accepted');
    return false;
  }

  /** Sends one push; the error text when the shop did not accept it. */
  private async send(push: Record<string, unknown>): Promise<string | undefined> {
    const merchant = await this.settings.findByMerchant({ merchantId: String(push.merchant_id), livemode: Boolean(push.livemode) });
    if (merchant === undefined || merchant.resultUrl === null) return 'the merchant has no Assist result URL any more';
    const event = await this.db('events')
      .where({ seq: Number(push.event_seq) })
      .first();
    if (event === undefined) return 'the payment event of this push is gone';
    const view = (JSON.parse(String(event.data)) as { object: PaymentView }).object;
    const order = orderSourceOfView(view);
    const fields = {
      merchant_id: merchant.assistMerchantId,
      ...assistOrderFields(merchant, order, await this.orders.approvalCode({ id: view.id, merchantId: merchant.merchantId, livemode: merchant.livemode })),
    };
    try {
      const response = await this.outbound.request({
        purpose: 'merchant_push',
        livemode: merchant.livemode,
        url: merchant.resultUrl,
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
        timeoutMs: this.options.timeoutMs,
      });
      const body = response.body.subarray(0, 4096).toString('utf8');
      if (response.ok && pushAccepted(body)) return undefined;
      return `HTTP ${response.status}: the answer is not <pushpaymentresult firstcode="0" secondcode="0">`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}

/** The payment as its event recorded it, so each push tells the state of that moment. */
export function orderSourceOfView(view: PaymentView): AssistOrderSource {
  return {
    id: view.id,
    orderId: view.order_id,
    livemode: view.livemode,
    status: view.status,
    amount: view.amount,
    amountCaptured: view.amount_captured,
    currency: view.currency,
    failureCode: view.failure_code,
    description: view.description,
    metadata: view.metadata,
    updatedAt: Date.parse(view.updated_at),
  };
}
