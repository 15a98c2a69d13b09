import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { DATABASE, Database, Queryable } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { LOGGER, Logger } from '../../logging/logger';
import { EmailQueue } from '../email/email-queue';
import { nextDelay } from '../retry-schedule';
import { WebhookEndpoint, endpointFromRow } from './webhook-endpoint';
import { WebhookEndpointService } from './webhook-endpoint.service';
import { ClaimedDelivery, DeliveryOutcome, WebhookDeliveryQueue } from './webhook-delivery-queue';
import { SendResult, sendWebhook } from './webhook-sender';
import { signatureHeader } from './webhook-signature';
import { webhookBody } from './webhook-body';
import { OutboundHttpClient } from '../../outbound/outbound-http-client';
import { GroupCommit } from './group-commit';
import { TenderMetrics } from '../../observability/metrics';

/** Deliveries claimed at once. */
const BATCH = 32;
/** Deliveries one process has in flight at most (all endpoints together). */
const MAX_IN_FLIGHT = 64;
/**
 * The lease is the receiver's timeout plus this: enough to read the endpoint and
 * event and record the answer, short enough that a crashed process's deliveries are
 * sent again within seconds.
 */
const LEASE_MARGIN_MS = 5000;
/**
 * Answers recorded together: the first answer of a batch waits this long for the
 * others, so a batch is usually one transaction rather than one for the first
 * answer and one for the rest.
 */
const RECORD_LINGER_MS = 10;
/** Endpoints whose opened signing secrets are kept; past this the memo starts again. */
const SECRETS_KEPT = 1000;
/** A merchant hears about a failing endpoint at most this often. */
const FAILURE_NOTICE_EVERY_MS = 86_400_000;

/** An outcome with the endpoint as it was read when its batch was claimed. */
interface Settled {
  readonly outcome: DeliveryOutcome;
  readonly endpoint: WebhookEndpoint | undefined;
  readonly retryingSince: number | null;
}

interface EndpointRow {
  readonly endpoint: WebhookEndpoint;
  readonly retryingSince: number | null;
}

/**
 * Sends due webhook deliveries: claims them in batches, POSTs each (signed, with the
 * event id in `Tender-Event-Id`), and records the attempts in group commits. A 2xx
 * acknowledges; anything else, or no answer within the timeout, is retried with
 * exponential backoff and jitter until the retry window has passed since the first
 * attempt; then the delivery is `failed` and the merchant gets an e-mail. When a
 * delivery succeeds to an endpoint that has deliveries backed off, those are made
 * due at once.
 *
 * `pump` is the background job: it keeps up to 64 deliveries in flight (several
 * to one endpoint at once; no order is kept) and claims more as answers come back,
 * at once while claims come back full, else after one poll interval; one slow
 * receiver holds only its own slots. `runOnce` sends one batch and returns when it
 * is recorded (tests, tools).
 *
 * @example
 * ```ts
 * const sent = await dispatcher.runOnce(); // number of deliveries attempted
 * scheduler.job({ name: 'webhook dispatcher', intervalMs: 1000, concurrency: 'parallel', run: (signal) => dispatcher.pump(signal) }).start();
 * ```
 */
@injectable()
export class WebhookDispatcher {
  private readonly writer = new GroupCommit<Settled>((items) => this.record(items), RECORD_LINGER_MS);
  /**
   * Opened signing secrets by endpoint, valid while the sealed boxes they came from
   * are the endpoint's (a rotation changes the box, so the memo is never stale).
   * Opening one costs a key derivation and a decryption: per endpoint, not per delivery.
   */
  private readonly secrets = new Map<string, { readonly sealed: string; readonly open: readonly string[] }>();

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(WebhookDeliveryQueue) private readonly queue: WebhookDeliveryQueue,
    @inject(WebhookEndpointService) private readonly endpoints: WebhookEndpointService,
    @inject(OutboundHttpClient) private readonly outbound: OutboundHttpClient,
    @inject(EmailQueue) private readonly emails: EmailQueue,
    @inject(TenderMetrics) private readonly metrics: TenderMetrics,
  ) {}

  async runOnce(): Promise<number> {
    const { started } = await this.claimAndStart(BATCH);
    await Promise.all(started);
    return started.length;
  }

  /**
   * Delivers until nothing is due and nothing is in flight, or until `signal` is
   * aborted; then waits for the deliveries in flight to be recorded. Returns how
   * many it attempted.
   */
  async pump(signal: AbortSignal): Promise<number> {
    let total = 0;
    const inFlight = new Set<Promise<void>>();
    try {
      while (!signal.aborted) {
        const room = MAX_IN_FLIGHT - inFlight.size;
        if (room < BATCH / 4) {
          await Promise.race(inFlight);
          continue;
        }
        const want = Math.min(room, BATCH);
        const { started, more } = await this.claimAndStart(want);
        for (const p of started) {
          inFlight.add(p);
          void p.then(() => inFlight.delete(p));
        }
        total += started.length;
        if (started.length === want || more) continue;
        if (started.length === 0 && inFlight.size === 0) break;
        // Less was due than there was room for: let due work gather for one poll
        // interval, so each claim and each group commit carries many deliveries (at a
        // low rate a claim per delivery would cost more statements than the payment).
        await pause(this.config.notifications.pollIntervalMs, signal);
      }
    } finally {
      await Promise.all(inFlight);
    }
    return total;
  }

  /**
   * Claims up to `limit` deliveries and starts them; each promise settles (never
   * rejects) once its attempt is recorded. Deliveries the fan-out made claimed come
   * with their event and endpoint rows; only the due ones (retries, or more than
   * the fan-out's share) have theirs read here.
   */
  private async claimAndStart(limit: number): Promise<{ started: Array<Promise<void>>; more: boolean }> {
    const n = this.config.notifications;
    const { fresh, due, more } = await this.queue.claimBatch({ now: this.clock.now(), limit, leaseMs: n.webhookTimeoutMs + LEASE_MARGIN_MS });
    if (fresh.length === 0 && due.length === 0) return { started: [], more };
    const [endpoints, events] =
      due.length === 0
        ? [new Map<string, EndpointRow>(), new Map<string, Record<string, unknown>>()]
        : await Promise.all([this.readEndpoints(due), this.readEvents(due)]);
    for (const f of fresh) {
      if (!endpoints.has(f.delivery.endpointId)) endpoints.set(f.delivery.endpointId, endpointRow(f.endpoint));
      events.set(f.delivery.eventId, f.event);
    }
    // One body per event, however many endpoints it goes to.
    const bodies = new Map<string, string>();
    const bodyOf = (eventId: string, row: Record<string, unknown>): string => {
      let body = bodies.get(eventId);
      if (body === undefined) bodies.set(eventId, (body = webhookBody(row)));
      return body;
    };
    const started = [...fresh.map((f) => f.delivery), ...due].map((d) => {
      const eventRow = events.get(d.eventId);
      return this.deliver(d, endpoints.get(d.endpointId), eventRow === undefined ? undefined : bodyOf(d.eventId, eventRow)).catch((error: unknown) => {
        // The lease runs out and the delivery is sent again: nothing is lost.
        this.logger.error({ delivery: d.id, error: error instanceof Error ? error.message : String(error) }, 'recording a webhook attempt failed');
      });
    });
    return { started, more };
  }

  /** The batch's endpoints, each read with its own merchant and mode. */
  private async readEndpoints(batch: readonly ClaimedDelivery[]): Promise<Map<string, EndpointRow>> {
    const keys = unique(batch.map((d) => [d.endpointId, d.merchantId, d.livemode]));
    const rows: Array<Record<string, unknown>> = await this.db('webhook_endpoints')
      .whereIn('id', [...new Set(batch.map((d) => d.endpointId))])
      .whereIn(['id', 'merchant_id', 'livemode'], keys);
    return new Map(rows.map((r) => [String(r.id), endpointRow(r)]));
  }

  /** The batch's events, each read with its own merchant and mode (the plain id list keeps both databases on the id index). */
  private async readEvents(batch: readonly ClaimedDelivery[]): Promise<Map<string, Record<string, unknown>>> {
    const keys = unique(batch.map((d) => [d.eventId, d.merchantId, d.livemode]));
    const rows: Array<Record<string, unknown>> = await this.db('events')
      .whereIn('id', [...new Set(batch.map((d) => d.eventId))])
      .whereIn(['id', 'merchant_id', 'livemode'], keys);
    return new Map(rows.map((r) => [String(r.id), r]));
  }

  private async deliver(delivery: ClaimedDelivery, row: EndpointRow | undefined, body: string | undefined): Promise<void> {
    const startedAt = this.clock.now();
    const endpoint = row?.endpoint;
    if (endpoint === undefined || endpoint.status !== 'enabled') {
      const attempt = { startedAt, statusCode: null, latencyMs: 0, excerpt: null, error: 'endpoint deleted' };
      await this.writer.add({ outcome: { delivery, attempt, next: { status: 'canceled' } }, endpoint, retryingSince: null });
      this.metrics.webhookAttempts.inc({ outcome: 'canceled' });
      return;
    }
    const result: SendResult =
      body === undefined ? { statusCode: null, latencyMs: 0, excerpt: null, error: 'event not found' } : await this.post(endpoint, delivery, body, startedAt);
    const now = this.clock.now();
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const n = this.config.notifications;
    const expired = now - delivery.firstAttemptAt >= n.webhookRetryWindowMs;
    const next = ok
      ? ({ status: 'delivered' } as const)
      : expired
        ? ({ status: 'failed' } as const)
        : ({ status: 'pending', nextAttemptAt: now + nextDelay(delivery.attempt, { baseMs: n.webhookRetryBaseMs, maxMs: n.webhookRetryMaxMs }) } as const);
    await this.writer.add({ outcome: { delivery, attempt: { startedAt, ...result }, next }, endpoint, retryingSince: row?.retryingSince ?? null });
    this.metrics.webhookAttempts.inc({ outcome: next.status === 'pending' ? 'retry' : next.status });
    if (!ok)
      this.logger.info(
        { delivery: delivery.id, endpoint: endpoint.id, attempt: delivery.attempt, status: result.statusCode, next: next.status },
        'webhook attempt failed',
      );
  }

  private async post(endpoint: WebhookEndpoint, delivery: ClaimedDelivery, body: string, now: number): Promise<SendResult> {
    const headers = {
      'Tender-Signature': signatureHeader(body, this.signingSecrets(endpoint, now), Math.floor(now / 1000)),
      'Tender-Event-Id': delivery.eventId,
      'Tender-Delivery-Id': delivery.id,
      'Tender-Delivery-Attempt': String(delivery.attempt),
    };
    // The URL is checked again here, at connect time, by the outbound client: the rules
    // (or the merchant's DNS) may have changed since registration.
    return sendWebhook(this.outbound, endpoint, body, headers);
  }

  /** The endpoint's signing secrets, opened once per sealed box (see `secrets`). */
  private signingSecrets(endpoint: WebhookEndpoint, now: number): readonly string[] {
    const rotating = endpoint.previousSecretBox !== null && endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt > now;
    const sealed = `${endpoint.secretKeyVersion}/${endpoint.secretBox}/${rotating ? endpoint.previousSecretBox : ''}`;
    const kept = this.secrets.get(endpoint.id);
    if (kept !== undefined && kept.sealed === sealed) return kept.open;
    const open = this.endpoints.signingSecrets(endpoint, now);
    if (this.secrets.size >= SECRETS_KEPT) this.secrets.clear();
    this.secrets.set(endpoint.id, { sealed, open });
    return open;
  }

  /**
   * Records a group of attempts in one transaction; marks endpoints that got a
   * delivery put back for retry; then, for endpoints that answered again while
   * marked, makes their backed-off deliveries due now.
   */
  private async record(items: readonly Settled[]): Promise<void> {
    const now = this.clock.now();
    const retrying = [...new Set(items.filter((i) => i.outcome.next.status === 'pending').map((i) => i.outcome.delivery.endpointId))];
    await inTransaction(this.db, async (trx) => {
      const applied = await this.queue.settleAll(
        trx,
        items.map((i) => i.outcome),
        now,
      );
      for (const i of items) {
        if (i.outcome.next.status === 'failed' && i.endpoint !== undefined && applied.has(i.outcome.delivery.id))
          await this.noticeFailure(trx, i.endpoint, now);
      }
      if (retrying.length > 0) await trx('webhook_endpoints').whereIn('id', retrying).whereNull('retrying_since').update({ retrying_since: now });
    });
    const recovered = new Map<string, number>();
    for (const i of items) {
      if (i.outcome.next.status === 'delivered' && i.retryingSince !== null && !retrying.includes(i.outcome.delivery.endpointId))
        recovered.set(i.outcome.delivery.endpointId, i.retryingSince);
    }
    for (const [endpointId, since] of recovered) await this.pullForward(endpointId, since, now);
  }

  /**
   * Makes a recovered endpoint's backed-off deliveries due now. The attempts are
   * recorded already, so a failure here is only logged: the deliveries then wait for
   * their own backoff, as they would have anyway.
   */
  private async pullForward(endpointId: string, since: number, now: number): Promise<void> {
    try {
      // Clear the mark first: a failure after this marks the endpoint again, so a later success pulls once more.
      const cleared = await this.db('webhook_endpoints').where({ id: endpointId, retrying_since: since }).update({ retrying_since: null });
      if (cleared === 0) return;
      const pulled = await this.queue.pullForward(endpointId, now);
      this.logger.info({ endpoint: endpointId, deliveries: pulled }, 'webhook endpoint answers again; its backed-off deliveries are due now');
    } catch (error) {
      this.logger.error(
        { endpoint: endpointId, error: error instanceof Error ? error.message : String(error) },
        'pulling deliveries forward for a recovered endpoint failed',
      );
    }
  }

  private async noticeFailure(trx: Queryable, endpoint: WebhookEndpoint, now: number): Promise<void> {
    if (endpoint.failureNotifiedAt !== null && now - endpoint.failureNotifiedAt < FAILURE_NOTICE_EVERY_MS) return;
    const merchant = await trx('merchants').select('email', 'name').where({ id: endpoint.merchantId }).first();
    if (merchant === undefined) return;
    const changed = await trx('webhook_endpoints')
      .where({ id: endpoint.id })
      .andWhere((w) => w.whereNull('failure_notified_at').orWhere('failure_notified_at', '<', now - FAILURE_NOTICE_EVERY_MS))
      .update({ failure_notified_at: now });
    if (changed === 0) return;
    await this.emails.enqueue(trx, {
      merchantId: endpoint.merchantId,
      livemode: endpoint.livemode,
      template: 'webhook_failing',
      locale: this.config.notifications.emailLocale,
      recipient: String(merchant.email),
      data: { merchant_name: String(merchant.name), endpoint_id: endpoint.id, endpoint_url: endpoint.url, livemode: endpoint.livemode },
    });
  }
}

function endpointRow(r: Record<string, unknown>): EndpointRow {
  return { endpoint: endpointFromRow(r), retryingSince: r.retrying_since === null || r.retrying_since === undefined ? null : Number(r.retrying_since) };
}

/** Distinct tuples, compared by their parts. */
function unique(tuples: ReadonlyArray<Array<string | boolean>>): Array<Array<string | boolean>> {
  const seen = new Map<string, Array<string | boolean>>();
  for (const t of tuples) seen.set(JSON.stringify(t), t);
  return [...seen.values()];
}

/** Resolves after `ms`, or at once when `signal` is aborted. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
