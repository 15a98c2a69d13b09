import { InstrumentContext, PaymentInstrument, PaymentMethod, PaymentMethodPage, TenderError } from '@tender/core';
import { z } from 'zod';
import { VOUCHER_CODE, normalizeVoucherCode } from './voucher-code';
import { Voucher, VoucherOwner } from './voucher-ledger';
import { VOUCHER_ADAPTER_CODE, VOUCHER_CAPABILITY } from './voucher-ledger.adapter';

/** `payment_method.voucher`: the code, as printed or typed (case, spaces and dashes do not matter). */
export const voucherInput = z
  .object({
    code: z
      .string()
      .max(40, 'must be a voucher code')
      .transform(normalizeVoucherCode)
      .refine((code) => VOUCHER_CODE.test(code), 'must be the 16 letters and digits of a voucher code'),
  })
  .strict();

export type VoucherInput = z.output<typeof voucherInput>;

/** What the method reads of the ledger (an interface, so the conformance test needs no database). */
export interface VoucherLookup {
  findByCode(owner: VoucherOwner, normalizedCode: string): Promise<Voucher | undefined>;
}

const CODE_PARAM = 'payment_method.voucher.code';

/**
 * Payment with a prepaid voucher (`payment_method: { type: 'voucher', voucher: { code } }`).
 * `instrument()` runs before the gateway writes anything: a code that is not this
 * merchant's (in this mode), in another currency, or whose balance does not cover
 * the payment is refused there with a catalogue code, and nothing changes. That
 * read is only for a clear early answer; the spend itself is the ledger's
 * conditional update when the gateway asks the voucher ledger (its bank), so two
 * payments racing for one voucher cannot both spend it (the loser is declined).
 * The instrument is bound to the ledger (`issuerAdapter`), as a personal account is
 * bound to its bank.
 *
 * @example
 * ```ts
 * ctx.registerPaymentMethod(new VoucherPaymentMethod(ledger, new VoucherPage(['RUB'])));
 * // POST /v1/payments/:id/confirm { "payment_method": { "type": "voucher", "voucher": { "code": "7K2M-9QXD-H4TR-0BZC" } } }
 * ```
 */
export class VoucherPaymentMethod implements PaymentMethod<VoucherInput> {
  readonly type = 'voucher';
  readonly input = voucherInput;
  readonly capability = VOUCHER_CAPABILITY;

  constructor(
    private readonly vouchers: VoucherLookup,
    readonly page: PaymentMethodPage,
  ) {}

  async instrument(input: VoucherInput, context: InstrumentContext): Promise<PaymentInstrument> {
    const { payment } = context;
    const voucher = await this.vouchers.findByCode({ merchantId: payment.merchantId, livemode: payment.livemode }, input.code);
    // One answer for "no such code" and "another shop's code": a code's existence elsewhere is not the buyer's to learn.
    if (voucher === undefined || voucher.currency !== payment.currency) {
      throw new TenderError('parameter_invalid', { param: CODE_PARAM, message: `No voucher of this shop in ${payment.currency} has this code.` });
    }
    if (voucher.balance < payment.amount) {
      throw new TenderError('amount_too_large', {
        param: CODE_PARAM,
        message: voucher.balance === 0 ? 'This voucher has been spent.' : 'The voucher balance does not cover the amount of this payment.',
      });
    }
    return {
      bank: { kind: 'fields', fields: { voucher_id: voucher.id, merchant_id: voucher.merchantId } },
      issuerAdapter: VOUCHER_ADAPTER_CODE,
      // The ledger keeps the redemption itself (its operations table); the payment has no card columns.
      record: async () => undefined,
    };
  }
}
