import { inject, injectable } from 'tsyringe';
import { BrandingInput, CLOCK, Clock, DATABASE, Database, MerchantContext, brandingSchema, inTransaction } from '@tender/core';

/**
 * The branding editor's draft: what the merchant is previewing and has not published.
 * Stored as the branding input (validated by the same schema as PUT /v1/branding), so
 * publishing is `BrandingService.update(ctx, draft)`.
 *
 * @example
 * ```ts
 * await drafts.save(ctx, { primary_color: '#0a7d32' });
 * await branding.update(ctx, (await drafts.find(ctx)) ?? {});
 * ```
 */
@injectable()
export class BrandingDrafts {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async find(ctx: MerchantContext): Promise<BrandingInput | undefined> {
    const row = await this.db('branding_drafts').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    if (row === undefined) return undefined;
    const parsed = brandingSchema.safeParse(JSON.parse(String(row.input)));
    return parsed.success ? parsed.data : undefined;
  }

  async save(ctx: MerchantContext, input: BrandingInput): Promise<void> {
    const key = { merchant_id: ctx.merchantId, livemode: ctx.livemode };
    await inTransaction(this.db, async (trx) => {
      await trx('branding_drafts').where(key).delete();
      await trx('branding_drafts').insert({ ...key, input: JSON.stringify(input), updated_at: this.clock.now() });
    });
  }

  async discard(ctx: MerchantContext): Promise<void> {
    await this.db('branding_drafts').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode }).delete();
  }
}
