import { z } from 'zod';
import { ButtonMethodPage, InstrumentContext, PaymentInstrument, PaymentMethod, TenderError } from '@tender/core';
import { SBP_CAPABILITY } from './sbp-bank.adapter';

/** `payment_method: { type: 'sbp' }`: nothing to enter, the buyer pays in their bank's app. */
export const sbpInputSchema = z.object({}).strict().default({});
export type SbpInput = z.output<typeof sbpInputSchema>;

/** SBP moves roubles only. */
const SBP_CURRENCY = 'RUB';

/**
 * The `sbp` payment method (SBP, the Faster Payments System): confirmed with
 * `{ "payment_method": { "type": "sbp" } }`, it answers `requires_action` with a
 * `display_qr` next action; the buyer pays in their bank's app. Roubles only, and
 * automatic capture only (an SBP payment is a completed transfer: nothing to hold).
 * Test-mode payments go to the sandbox SBP bank, live ones to a connection whose
 * adapter offers `sbp_qr`.
 *
 * @example
 * ```ts
 * ctx.registerPaymentMethod(new SbpPaymentMethod('sbp-sandbox'));
 * // POST /v1/payments { amount: 249900, currency: 'RUB', order_id: 'A-1', payment_method: { type: 'sbp' }, confirm: true }
 * ```
 */
export class SbpPaymentMethod implements PaymentMethod<SbpInput> {
  readonly type = 'sbp';
  readonly input = sbpInputSchema;
  readonly capability = SBP_CAPABILITY;
  /** One button on the hosted page; the QR code follows on the payment's page. */
  readonly page = new ButtonMethodPage({
    name: 'sbp',
    amountOnButton: true,
    offered: (payment) => payment.currency === SBP_CURRENCY && payment.captureMethod === 'automatic',
    texts: {
      en: {
        title: 'Pay by SBP',
        hint: "Scan a QR code in your bank's app, or open the app on this phone.",
        button: 'Pay by SBP',
        unavailable: 'SBP is not available for this payment.',
      },
      ru: {
        title: 'Оплата через СБП',
        hint: 'Отсканируйте QR-код в приложении банка или откройте приложение на этом телефоне.',
        button: 'Оплатить через СБП',
        unavailable: 'Оплата через СБП недоступна для этого платежа.',
      },
      ar: {
        title: 'الدفع عبر نظام SBP',
        hint: 'امسح رمز QR في تطبيق البنك، أو افتح التطبيق على هذا الهاتف.',
        button: 'ادفع عبر SBP',
        unavailable: 'الدفع عبر SBP غير متاح لهذه العملية.',
      },
    },
  });

  constructor(private readonly sandboxAdapter: string | undefined) {}

  async instrument(_input: SbpInput, context: InstrumentContext): Promise<PaymentInstrument> {
    const { payment } = context;
    if (payment.currency !== SBP_CURRENCY)
      throw new TenderError('payment_method_unavailable', {
        param: 'payment_method.type',
        message: `SBP takes ${SBP_CURRENCY} only; this payment is in ${payment.currency}.`,
      });
    if (payment.captureMethod !== 'automatic')
      throw new TenderError('payment_method_unavailable', {
        param: 'payment_method.type',
        message: 'An SBP payment is a completed transfer: it needs capture_method automatic.',
      });
    if (context.offSession)
      throw new TenderError('payment_method_unavailable', {
        param: 'payment_method.type',
        message: 'An SBP payment needs the buyer: it cannot be merchant-initiated.',
      });
    const purpose = payment.description ?? `Order ${payment.orderId}`;
    return {
      bank: { kind: 'fields', fields: { purpose } },
      // Test mode pays at the sandbox SBP bank (it moves no money); live mode follows the connections.
      ...(payment.livemode || this.sandboxAdapter === undefined ? {} : { issuerAdapter: this.sandboxAdapter }),
      record: async () => undefined,
    };
  }
}
