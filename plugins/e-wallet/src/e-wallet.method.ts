import { z } from 'zod';
import { ButtonMethodPage, InstrumentContext, PaymentInstrument, PaymentMethod, TenderError } from '@tender/core';
import { WALLET_CAPABILITY } from './wallet.adapter';

/** `payment_method: { type: 'e_wallet' }`: the buyer signs in at the wallet. */
export const eWalletInputSchema = z.object({}).strict().default({});
export type EWalletInput = z.output<typeof eWalletInputSchema>;

/**
 * The `e_wallet` payment method: confirmed with `{ "payment_method": { "type":
 * "e_wallet" } }`, it answers `requires_action` with a `redirect_to_url` next action,
 * the wallet's page; the wallet brings the buyer back to the payment's page and
 * notifies the gateway. Automatic capture only; the currencies the operator lists.
 *
 * @example
 * ```ts
 * ctx.registerPaymentMethod(new EWalletPaymentMethod('https://pay.example', ['RUB'], 'wallet-sandbox'));
 * ```
 */
export class EWalletPaymentMethod implements PaymentMethod<EWalletInput> {
  readonly type = 'e_wallet';
  readonly input = eWalletInputSchema;
  readonly capability = WALLET_CAPABILITY;
  readonly page: ButtonMethodPage;

  constructor(
    private readonly publicUrl: string,
    private readonly currencies: readonly string[],
    private readonly sandboxAdapter: string | undefined,
  ) {
    this.page = new ButtonMethodPage({
      name: 'e-wallet',
      offered: (payment) => currencies.includes(payment.currency) && payment.captureMethod === 'automatic',
      texts: {
        en: {
          title: 'E-wallet',
          hint: "You will confirm the payment on the wallet's page.",
          button: 'Pay with the wallet',
          unavailable: 'The wallet is not available for this payment.',
        },
        ru: {
          title: 'Электронный кошелёк',
          hint: 'Вы подтвердите оплату на странице кошелька.',
          button: 'Оплатить кошельком',
          unavailable: 'Оплата кошельком недоступна для этого платежа.',
        },
        ar: { title: 'المحفظة الإلكترونية', hint: 'ستؤكد الدفع على صفحة المحفظة.', button: 'ادفع بالمحفظة', unavailable: 'المحفظة غير متاحة لهذه العملية.' },
      },
    });
  }

  async instrument(_input: EWalletInput, context: InstrumentContext): Promise<PaymentInstrument> {
    const { payment } = context;
    if (!this.currencies.includes(payment.currency))
      throw new TenderError('payment_method_unavailable', {
        param: 'payment_method.type',
        message: `The e-wallet takes ${this.currencies.join(', ')}; this payment is in ${payment.currency}.`,
      });
    if (payment.captureMethod !== 'automatic')
      throw new TenderError('payment_method_unavailable', {
        param: 'payment_method.type',
        message: 'A wallet payment is captured at once: it needs capture_method automatic.',
      });
    if (context.offSession)
      throw new TenderError('payment_method_unavailable', {
        param: 'payment_method.type',
        message: 'A wallet payment needs the buyer: it cannot be merchant-initiated.',
      });
    return {
      // The wallet sends the buyer back to the payment's own page, which shows the outcome.
      bank: {
        kind: 'fields',
        fields: { return_url: `${this.publicUrl}/pay/${payment.pageToken}`, description: payment.description ?? `Order ${payment.orderId}` },
      },
      ...(payment.livemode || this.sandboxAdapter === undefined ? {} : { issuerAdapter: this.sandboxAdapter }),
      record: async () => undefined,
    };
  }
}
