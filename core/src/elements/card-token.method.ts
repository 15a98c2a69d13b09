import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { TenderError, notFound } from '../errors/tender-error';
import { CardVault } from '../vault/card-vault';
import { InstrumentContext, PaymentInstrument, PaymentMethod } from '../methods/payment-method';
import { CardTokenRepository } from './card-token.repository';
import { CvcMemory } from './cvc-memory';

/** `payment_method.card_token`: the token's id (or `payment_method: "tok_..."`). */
export const cardTokenInputSchema = z.object({ id: z.string().regex(/^tok_[0-9A-Za-z]{24}$/, 'must be a card token id tok_...') }).strict();
export type CardTokenInput = z.output<typeof cardTokenInputSchema>;

/**
 * A card the buyer typed into embedded card fields, named by its single-use token
 * (`payment_method: "tok_..."`, through `referencePrefix`, or
 * `{ type: 'card_token', card_token: { id } }`). Authorized through
 * `card_authorization` like a typed card (3-D Secure where the issuer asks).
 *
 * Refused before anything is written: a token of another merchant or mode (404),
 * one already spent (card_token_used) or expired, or whose CVC this process no
 * longer holds (card_token_expired). Single use is enforced in the confirm
 * transaction (`claim`: a conditional UPDATE), so two confirms racing with one
 * token charge once. The CVC is read from CvcMemory and removed from it when the
 * confirm spends the token.
 *
 * @example
 * ```ts
 * // POST /v1/payments/pay_.../confirm { "payment_method": "tok_..." }
 * ```
 */
@injectable()
export class CardTokenPaymentMethod implements PaymentMethod<CardTokenInput> {
  readonly type = 'card_token';
  readonly referencePrefix = 'tok';
  readonly capability = 'card_authorization';
  readonly input = cardTokenInputSchema;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CardVault) private readonly vault: CardVault,
    @inject(CardTokenRepository) private readonly tokens: CardTokenRepository,
    @inject(CvcMemory) private readonly cvcs: CvcMemory,
  ) {}

  async instrument(input: CardTokenInput, context: InstrumentContext): Promise<PaymentInstrument> {
    const { payment } = context;
    const ctx = { merchantId: payment.merchantId, livemode: payment.livemode };
    const token = await this.tokens.find(this.db, ctx, input.id);
    if (token === undefined) throw notFound('card_token', input.id);
    if (token.usedAt !== null) throw new TenderError('card_token_used', { param: 'payment_method' });
    // Peeked, not taken: a confirm refused before its transaction (bad state, risk, standing) leaves the token usable.
    const cvc = this.cvcs.peek(token.id);
    if (token.expiresAt <= context.now || cvc === undefined) throw new TenderError('card_token_expired', { param: 'payment_method' });
    const pan = await this.vault.reveal(token.vaultId, ctx.merchantId, ctx.livemode);
    if (pan === undefined) throw notFound('card_token', input.id);
    return {
      bank: {
        kind: 'card',
        card: {
          number: pan,
          expMonth: token.expMonth,
          expYear: token.expYear,
          cvc,
          holderName: undefined,
          ...(context.setupFutureUsage === null ? {} : { storedCredential: { initiator: 'cardholder', sequence: 'first' } }),
        },
      },
      routing: { brand: token.brand, bin: token.bin },
      risk: { fingerprint: token.fingerprint, brand: token.brand, bin: token.bin, last4: token.last4, expMonth: token.expMonth, expYear: token.expYear },
      authenticable: true,
      claim: async (trx) => {
        // Single use, decided in the confirm transaction: the loser of a race rolls back and charges nothing.
        if (!(await this.tokens.spend(trx, ctx, token.id, payment.id, this.clock.now()))) throw new TenderError('card_token_used', { param: 'payment_method' });
        // Spent: the CVC leaves memory (back only if this transaction rolls back); this instrument's bank call is the only one to carry it.
        this.cvcs.takeFor(token.id, trx);
      },
      // The token's vault row becomes the payment's card: the token is spent, nothing else refers to it.
      record: async () => ({
        card_token: token.vaultId,
        card_fingerprint: token.fingerprint,
        card_brand: token.brand,
        card_bin: token.bin,
        card_last4: token.last4,
        card_exp_month: token.expMonth,
        card_exp_year: token.expYear,
      }),
    };
  }
}
