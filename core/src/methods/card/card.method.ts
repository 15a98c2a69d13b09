import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { CardVault } from '../../vault/card-vault';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { TenderError } from '../../errors/tender-error';
import { StoredCredential } from '../../banks/bank-adapter';
import { InstrumentContext, PaymentInstrument, PaymentMethod } from '../payment-method';
import { isTestCardNumber } from './test-card-numbers';
import { CardInput, maskedParts } from './card-input';
import { cardInputSchema } from './card-input.schema';
import { cardPage } from './card-page';

/**
 * A bank card: `payment_method.card` checked for Luhn, brand length, expiry and CVC
 * shape; authorized through `card_authorization` (3-D Secure where the adapter has
 * it). The instrument gives transaction monitoring the card's fingerprint and
 * BIN/last 4, routing the brand and BIN, and stores the PAN in the vault in the
 * confirm transaction; the CVC goes to the bank once and is never written.
 *
 * When the confirm will keep the card for later (`setupFutureUsage`, from the
 * payment or the hosted page's consent add-on), the bank is told this is the first
 * payment of a stored credential (`{ initiator: 'cardholder', sequence: 'first' }`).
 * A live payment with one of the sandbox's test numbers is refused
 * (`card_test_number_live`) unless the operator allows it (TENDER_LIVE_TEST_CARDS).
 *
 * @example
 * ```ts
 * await payments.confirm(ctx, id, { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } });
 * ```
 */
@injectable()
export class CardPaymentMethod implements PaymentMethod<CardInput> {
  readonly type = 'card';
  readonly capability = 'card_authorization';
  readonly input;
  readonly page = cardPage;

  constructor(
    @inject(CLOCK) clock: Clock,
    @inject(CardVault) private readonly vault: CardVault,
    @inject(CONFIG) private readonly config: TenderConfig,
  ) {
    this.input = cardInputSchema(() => clock.now());
  }

  async instrument(card: CardInput, context: InstrumentContext): Promise<PaymentInstrument> {
    if (context.payment.livemode && this.config.liveTestCards === 'refuse' && isTestCardNumber(card.number)) {
      throw new TenderError('card_test_number_live', { param: 'payment_method.card.number' });
    }
    const { bin, last4 } = maskedParts(card.number);
    const saving = context.setupFutureUsage !== null;
    const storedCredential: StoredCredential | undefined = saving ? { initiator: 'cardholder', sequence: 'first' } : undefined;
    return {
      bank: {
        kind: 'card',
        card: {
          number: card.number,
          expMonth: card.expMonth,
          expYear: card.expYear,
          cvc: card.cvc,
          holderName: card.holderName,
          ...(storedCredential === undefined ? {} : { storedCredential }),
        },
      },
      routing: { brand: card.brand, bin },
      risk: { fingerprint: this.vault.fingerprint(card.number), brand: card.brand, bin, last4, expMonth: card.expMonth, expYear: card.expYear },
      authenticable: true,
      record: async (trx, { payment }) => {
        const stored = await this.vault.store(trx, { merchantId: payment.merchantId, livemode: payment.livemode, pan: card.number });
        return {
          card_token: stored.id,
          card_fingerprint: stored.fingerprint,
          card_brand: card.brand,
          card_bin: bin,
          card_last4: last4,
          card_exp_month: card.expMonth,
          card_exp_year: card.expYear,
        };
      },
    };
  }
}
