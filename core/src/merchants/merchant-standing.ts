import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { TenderError } from '../errors/tender-error';
import { AuthenticatedKey } from './api-keys';
import { MerchantRepository } from './merchant.repository';

/**
 * Whether a merchant may use the API right now. A suspended merchant may not, in
 * either mode. A merchant that applied but has not registered loses test mode
 * when it expires, except for what it needs to get out of that state (its account:
 * registration, onboarding status).
 *
 * @example
 * ```ts
 * await standing.assertMayUse(who, { accountRoute: false }); // throws test_mode_expired, merchant_suspended
 * ```
 */
@injectable()
export class MerchantStanding {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(MerchantRepository) private readonly merchants: MerchantRepository,
  ) {}

  async assertMayUse(who: AuthenticatedKey, options: { accountRoute: boolean }): Promise<void> {
    // merchantAuth read the standing with the key; other callers (pages) read it here.
    const merchant = who.standing ?? (await this.merchants.find(this.db, who.merchantId));
    if (merchant === undefined) throw new TenderError('api_key_invalid');
    if (merchant.stage === 'suspended') throw new TenderError('merchant_suspended');
    if (who.livemode && merchant.liveAt === undefined) throw new TenderError('api_key_invalid');
    if (!who.livemode && !options.accountRoute && merchant.testModeExpiresAt !== undefined && this.clock.now() >= merchant.testModeExpiresAt) {
      throw new TenderError('test_mode_expired', {
        message: `Test mode ended at ${new Date(merchant.testModeExpiresAt).toISOString()}; register your company (POST /v1/account/registration) or ask the operator to extend it.`,
      });
    }
  }
}
