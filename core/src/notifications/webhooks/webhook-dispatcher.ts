import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { DATABASE, Database, Queryable } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { LOGGER, Logger } from '../../logging/logger';
import { EmailQueue } from '../email/email-queue';
import { eventView } from '../events/event-view';
import { nextDelay } from '../retry-schedule';
import { WebhookEndpoint, endpointFromRow } from './webhook-endpoint';
import { WebhookEndpointService } from './webhook-endpoint.service';
import { ClaimedDelivery, WebhookDeliveryQueue } from './webhook-delivery-queue';
import { SendResult, sendWebhook } from './webhook-sender';
import { signatureHeader } from './webhook-signature';
import { OutboundHttpClient } from '../../outbound/outbound-http-client';

const BATCH = 20;
/** A merchant hears about a failing endpoint at most this often. */
const FAILURE_NOTICE_EVERY_MS = 86_400_000;

/**
 * Sends due webhook deliveries: claims a batch, POSTs each (signed, with the event id
 * in `Tender-Event-Id`), and records the attempt. A 2xx acknowledges; anything else,
 * or no answer within the timeout, is retried with exponential backoff and jitter
 * until the retry window has passed since the first attempt; then the delivery is
 * `failed` and the merchant gets an e-mail.
 *
 * @example
 * ```ts
 * const sent = await dispatcher.runOnce(); // number of deliveries attempted
 * ```
 */
@injectable()
export class WebhookDispatcher {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(WebhookDeliveryQueue) private readonly queue: WebhookDeliveryQueue,
    @inject(WebhookEndpointService) private readonly endpoints: WebhookEndpointService,
    @inject(OutboundHttpClient) private readonly outbound: OutboundHttpClient,
    @inject(EmailQueue) private readonly emails: EmailQueue,
  ) {}

  async runOnce(): Promise<number> {
    const n = this.config.notifications;
    const batch = await this.queue.claim({ now: this.clock.now(), limit: BATCH, leaseMs: n.webhookTimeoutMs + 30_000, orderHoldMs: n.webhookOrderHoldMs });
    await Promise.all(batch.map((d) => this.deliver(d)));
    return batch.length;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const startedAt = this.clock.now();
    const endpointRow = await this.db('webhook_endpoints').where({ id: delivery.endpointId }).first();
    const endpoint = endpointRow === undefined ? undefined : endpointFromRow(endpointRow);
    if (endpoint === undefined || endpoint.status !== 'enabled') {
      await inTransaction(this.db, (trx) => this.queue.settle(trx, delivery, { startedAt, statusCode: null, latencyMs: 0, excerpt: null, error: 'endpoint deleted' }, { status: 'canceled' }, startedAt));
      return;
    }
    const result = await this.post(endpoint, delivery, startedAt);
    const now = this.clock.now();
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const n = this.config.notifications;
    const expired = now - delivery.firstAttemptAt >= n.webhookRetryWindowMs;
    const next = ok
      ? ({ status: 'delivered' } as const)
      : expired
        ? ({ status: 'failed' } as const)
        : ({ status: 'pending', nextAttemptAt: now + nextDelay(delivery.attempt, { baseMs: n.webhookRetryBaseMs, maxMs: n.webhookRetryMaxMs }) } as const);
    await inTransaction(this.db, async (trx) => {
      const applied = await this.queue.settle(trx, delivery, { startedAt, ...result }, next, now);
      if (applied && next.status === 'failed') await this.noticeFailure(trx, endpoint, now);
    });
    if (!ok) this.logger.info({ delivery: delivery.id, endpoint: endpoint.id, attempt: delivery.attempt, status: result.statusCode, next: next.status }, 'webhook attempt failed');
  }

  private async post(endpoint: WebhookEndpoint, delivery: ClaimedDelivery, now: number): Promise<SendResult> {
    const eventRow = await this.db('events').where({ id: delivery.eventId, merchant_id: endpoint.merchantId, livemode: endpoint.livemode }).first();
    if (eventRow === undefined) return { statusCode: null, latencyMs: 0, excerpt: null, error: 'event not found' };
    const body = JSON.stringify(eventView(eventRow));
    const headers = {
      'Tender-Signature': signatureHeader(body, this.endpoints.signingSecrets(endpoint, now), Math.floor(now / 1000)),
      'Tender-Event-Id': delivery.eventId,
      'Tender-Delivery-Id': delivery.id,
      'Tender-Delivery-Attempt': String(delivery.attempt),
    };
    // The URL is checked again here, at connect time, by the outbound client: the rules
    // (or the merchant's DNS) may have changed since registration.
    return sendWebhook(this.outbound, endpoint, body, headers);
  }

  private async noticeFailure(trx: Queryable, endpoint: WebhookEndpoint, now: number): Promise<void> {
    if (endpoint.failureNotifiedAt !== null && now - endpoint.failureNotifiedAt < FAILURE_NOTICE_EVERY_MS) return;
    const merchant = await trx('merchants').select('email', 'name').where({ id: endpoint.merchantId }).first();
    if (merchant === undefined) return;
    await trx('webhook_endpoints').where({ id: endpoint.id }).update({ failure_notified_at: now });
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
