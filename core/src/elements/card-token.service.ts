import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database } from '../db/database';
import { inTransaction } from '../db/transaction';
import { TenderError } from '../errors/tender-error';
import { newId } from '../ids/ids';
import { AuthenticatedKey } from '../merchants/api-keys';
import { MerchantStanding } from '../merchants/merchant-standing';
import { BrandingService } from '../branding/branding.service';
import { MerchantContext } from '../merchants/merchant-context';
import { RawCardInput, maskedParts, parseCardInput } from '../methods/card/card-input';
import { isTestCardNumber } from '../methods/card/test-card-numbers';
import { CardVault } from '../vault/card-vault';
import { CardToken, CardTokenRepository } from './card-token.repository';
import { CARD_TOKEN_TTL_MS, CvcMemory } from './cvc-memory';

/**
 * What `POST /v1/tokens` takes: the card as the fields collected it, and the shop's origin.
 *
 * @example
 * ```ts
 * const request: CardTokenRequest = { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' }, origin: 'https://shop.example' };
 * ```
 */
export interface CardTokenRequest {
  readonly card: RawCardInput;
  /** The origin of the shop page the fields ran on; must be one of the merchant's registered origins. */
  readonly origin?: string | undefined;
}

/**
 * Creates single-use card tokens (`tok_...`) for a publishable key: the card is
 * checked exactly as a card confirm checks it (Luhn, brand length, expiry, CVC
 * shape; test numbers refused in live mode), the PAN goes to the vault and the
 * token row in one transaction, and the CVC to CvcMemory only. A refused card
 * writes nothing. A token pays one payment of the same merchant and mode
 * (CardTokenPaymentMethod) within CARD_TOKEN_TTL_MS.
 *
 * @example
 * ```ts
 * const token = await tokens.create(publishableKey, { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' }, origin: 'https://shop.example' });
 * token.id; // 'tok_...'
 * ```
 */
@injectable()
export class CardTokenService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(CardVault) private readonly vault: CardVault,
    @inject(CardTokenRepository) private readonly repository: CardTokenRepository,
    @inject(CvcMemory) private readonly cvcs: CvcMemory,
    @inject(BrandingService) private readonly branding: BrandingService,
    @inject(MerchantStanding) private readonly standing: MerchantStanding,
  ) {}

  async create(key: AuthenticatedKey, request: CardTokenRequest): Promise<CardToken> {
    const refusal = this.standing.refusal(key.standing, key.livemode);
    if (refusal !== undefined) throw refusal;
    const ctx: MerchantContext = { merchantId: key.merchantId, livemode: key.livemode };
    if (request.origin !== undefined && !(await this.isRegisteredOrigin(ctx, request.origin))) {
      throw new TenderError('token_origin_not_allowed', { param: 'origin' });
    }
    const now = this.clock.now();
    const card = parseCardInput(request.card, new Date(now), 'card');
    if (key.livemode && this.config.liveTestCards === 'refuse' && isTestCardNumber(card.number)) {
      throw new TenderError('card_test_number_live', { param: 'card.number' });
    }
    const { bin, last4 } = maskedParts(card.number);
    const token = await inTransaction(this.db, async (trx) => {
      const stored = await this.vault.store(trx, { merchantId: ctx.merchantId, livemode: ctx.livemode, pan: card.number });
      const row: CardToken = {
        id: newId('tok'),
        merchantId: ctx.merchantId,
        livemode: ctx.livemode,
        vaultId: stored.id,
        fingerprint: stored.fingerprint,
        brand: card.brand,
        bin,
        last4,
        expMonth: card.expMonth,
        expYear: card.expYear,
        origin: request.origin ?? null,
        createdAt: now,
        expiresAt: now + CARD_TOKEN_TTL_MS,
        usedAt: null,
        paymentId: null,
      };
      await this.repository.insert(trx, row);
      return row;
    });
    // Only after the commit: a rolled-back token leaves no CVC behind.
    this.cvcs.keep(token.id, card.cvc);
    return token;
  }

  /** The shop origins a merchant registered (branding `frame_ancestors`): the pages that may embed the fields. */
  async registeredOrigins(ctx: MerchantContext): Promise<readonly string[]> {
    return (await this.branding.get(ctx)).frameAncestors;
  }

  async isRegisteredOrigin(ctx: MerchantContext, origin: string): Promise<boolean> {
    return (await this.registeredOrigins(ctx)).includes(origin);
  }
}
