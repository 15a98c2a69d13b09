import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';

/**
 * A payment or refund remembers the Idempotency-Key that created it, so a retry
 * after a crash finds it. That memory must end when the key's retention period
 * does (docs/api.md): after it, the key is free for a new object.
 */
@injectable()
export class CreateKeyRetention {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
  ) {}

  /** Frees the key held by an object older than the retention period; true when it did. */
  async release(ctx: MerchantContext, table: 'payments' | 'refunds', id: string, createdAt: number): Promise<boolean> {
    if (createdAt >= this.clock.now() - this.config.idempotencyTtlMs) return false;
    await this.db(table).where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).update({ create_idempotency_key: null });
    return true;
  }
}
