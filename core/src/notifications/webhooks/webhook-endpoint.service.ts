import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { DATABASE, Database } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { TenderError } from '../../errors/tender-error';
import { newId, randomToken } from '../../ids/ids';
import { MerchantContext } from '../../merchants/merchant-context';
import { WebhookEndpoint, endpointFromRow } from './webhook-endpoint';
import { CreateEndpointInput, EVENT_PATTERN_RULE } from './webhook-endpoint-input';
import { EventTypeRegistry } from '../event-type-registry';
import { WebhookSecretBox } from './webhook-secret-box';
import { WebhookUrlGuard } from './webhook-url-guard';

/**
 * Webhook endpoints of one merchant and mode: register (SSRF-checked), list,
 * delete, rotate the signing secret. The secret is shown once, in the answer that
 * creates it.
 *
 * @example
 * ```ts
 * const { endpoint, secret } = await endpoints.create(ctx, { url: 'https://shop.example/hooks', events: ['*'] });
 * ```
 */
@injectable()
export class WebhookEndpointService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(WebhookSecretBox) private readonly box: WebhookSecretBox,
    @inject(WebhookUrlGuard) private readonly guard: WebhookUrlGuard,
    @inject(EventTypeRegistry) private readonly eventTypes: EventTypeRegistry,
  ) {}

  async create(ctx: MerchantContext, input: CreateEndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    // Core's event types and those plugins registered (ctx.registerEventTypes).
    const unknown = input.events.findIndex((e) => !this.eventTypes.isKnownPattern(e));
    if (unknown >= 0) throw new TenderError('parameter_invalid', { param: `events.${unknown}`, message: `Invalid events.${unknown}: ${EVENT_PATTERN_RULE}` });
    const url = await this.guard.checkRegistration(input.url, ctx);
    const id = newId('we');
    const secret = `whsec_${randomToken(32)}`;
    const sealed = this.box.seal(id, secret);
    const now = this.clock.now();
    await this.db('webhook_endpoints').insert({
      id,
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      url: url.toString(),
      events: JSON.stringify([...new Set(input.events)]),
      description: input.description ?? null,
      status: 'enabled',
      secret_key_version: sealed.version,
      secret_box: sealed.box,
      created_at: now,
      updated_at: now,
    });
    return { endpoint: await this.retrieve(ctx, id), secret };
  }

  async retrieve(ctx: MerchantContext, id: string): Promise<WebhookEndpoint> {
    const row = await this.db('webhook_endpoints').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode, status: 'enabled' }).first();
    if (row === undefined) throw new TenderError('resource_not_found', { param: 'id', message: `No such webhook endpoint: ${id}.` });
    return endpointFromRow(row);
  }

  async list(ctx: MerchantContext, page: { limit: number; startingAfter?: string | undefined }): Promise<{ endpoints: WebhookEndpoint[]; hasMore: boolean }> {
    const query = this.db('webhook_endpoints').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, status: 'enabled' });
    if (page.startingAfter !== undefined) {
      const cursor = await this.db('webhook_endpoints')
        .select('seq')
        .where({ id: page.startingAfter, merchant_id: ctx.merchantId, livemode: ctx.livemode })
        .first();
      if (cursor === undefined)
        throw new TenderError('resource_not_found', { param: 'starting_after', message: `No such webhook endpoint: ${page.startingAfter}.` });
      query.andWhere('seq', '<', cursor.seq);
    }
    const rows = await query.orderBy('seq', 'desc').limit(page.limit + 1);
    return { endpoints: rows.slice(0, page.limit).map(endpointFromRow), hasMore: rows.length > page.limit };
  }

  /** Stops deliveries: pending ones are canceled with the endpoint. */
  async delete(ctx: MerchantContext, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.retrieve(ctx, id);
    const now = this.clock.now();
    await inTransaction(this.db, async (trx) => {
      await trx('webhook_endpoints').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).update({ status: 'deleted', updated_at: now });
      await trx('webhook_deliveries').where({ endpoint_id: id, status: 'pending' }).update({ status: 'canceled', updated_at: now });
    });
    return { ...endpoint, status: 'deleted' };
  }

  /** A new secret; the old one keeps signing (as a second `v1=`) for `overlapMs`. */
  async rotateSecret(ctx: MerchantContext, id: string, overlapMs: number): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.retrieve(ctx, id);
    const old = this.box.open(endpoint.id, endpoint.secretKeyVersion, endpoint.secretBox);
    const secret = `whsec_${randomToken(32)}`;
    const current = this.box.seal(endpoint.id, secret);
    const previous = this.box.seal(endpoint.id, old);
    const now = this.clock.now();
    await this.db('webhook_endpoints')
      .where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .update({
        secret_key_version: current.version,
        secret_box: current.box,
        previous_secret_box: overlapMs > 0 ? previous.box : null,
        previous_secret_expires_at: overlapMs > 0 ? now + overlapMs : null,
        updated_at: now,
      });
    return { endpoint: await this.retrieve(ctx, id), secret };
  }

  /** The secrets that sign a delivery now: the current one, and the previous during an overlap. */
  signingSecrets(endpoint: WebhookEndpoint, now: number): string[] {
    const secrets = [this.box.open(endpoint.id, endpoint.secretKeyVersion, endpoint.secretBox)];
    if (endpoint.previousSecretBox !== null && endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt > now) {
      secrets.push(this.box.open(endpoint.id, endpoint.secretKeyVersion, endpoint.previousSecretBox));
    }
    return secrets;
  }
}
