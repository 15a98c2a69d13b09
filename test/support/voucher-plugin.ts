import { z } from 'zod';
import {
  BankAdapter,
  BankHealth,
  BankResult,
  ContractRequirement,
  FollowUpRequest,
  InquiryRequest,
  InquiryResult,
  InstrumentPaymentRequest,
  MethodPageRefusal,
  PaymentInstrument,
  PaymentMethod,
  RefundRequest,
  TenderError,
  TenderPlugin,
  definePlugin,
} from '@tender/core';

/**
 * A third payment method, added only through the plugin API: gift vouchers. It
 * stands for any method a plugin package brings (its own input, page part and bank
 * capability); nothing in core knows it.
 */
export const VOUCHER_CAPABILITY = 'voucher_redemption';

const voucherInput = z.object({ code: z.string().regex(/^[A-Z0-9]{8,16}$/, 'must be 8 to 16 capital letters or digits') }).strict();

/**
 * Stands in for a voucher issuer's system (outside Tender): it redeems codes that
 * start with GIFT and refuses EMPTY ones, and records what it was asked.
 */
export class VoucherBank implements BankAdapter {
  readonly code: string = 'voucherbank';
  readonly capabilities = [VOUCHER_CAPABILITY];
  readonly redeemed: InstrumentPaymentRequest[] = [];

  async pay(request: InstrumentPaymentRequest): Promise<BankResult> {
    this.redeemed.push(request);
    if (request.instrument.code?.startsWith('EMPTY'))
      return { kind: 'declined', reason: 'insufficient_funds', rawCode: 'V51', message: 'Voucher balance too low' };
    return { kind: 'approved', authorizationCode: 'V00001', rrn: undefined, bankReference: `vch-${request.reference}` };
  }
  async authorize(): Promise<BankResult> {
    throw new Error('a voucher bank takes no cards');
  }
  async capture(r: FollowUpRequest): Promise<BankResult> {
    return { kind: 'approved', authorizationCode: r.original.authorizationCode, rrn: undefined, bankReference: r.original.bankReference };
  }
  async void(r: FollowUpRequest): Promise<BankResult> {
    return this.capture(r);
  }
  async refund(r: RefundRequest): Promise<BankResult> {
    return this.capture(r);
  }
  async inquire(_r: InquiryRequest): Promise<InquiryResult> {
    return { kind: 'not_found', message: 'unknown' };
  }
  async health(): Promise<BankHealth> {
    return { ok: true, latencyMs: 0, detail: 'stand-in' };
  }
  contractRequirements(): readonly ContractRequirement[] {
    return [];
  }
}

export const VOUCHER_TEMPLATE = `<section class="voucher-option" id="voucher-option">
  <h2 id="voucher-title">{{m.title}}</h2>
  <form method="post" action="{{method.action}}" target="_parent" id="voucher-form">
    <input type="hidden" name="form_token" value="{{method.token}}">
    <label for="voucher-code">{{m.code}}</label>
    <input id="voucher-code" name="code" value="{{part.values.code}}">
    <p class="field-error" id="voucher-code-error"{{#if part.code}} data-code="{{part.code}}"{{/if}}>{{part.errors.code}}</p>
    <button type="submit" id="voucher-pay-button">{{m.button}} {{payment.amount}}</button>
  </form>
</section>`;

/** The voucher part's own style sheet (the theme knows nothing of .voucher-option). */
export const VOUCHER_STYLES = '.voucher-option > h2 { letter-spacing: 0.02em; }';

/**
 * The voucher method; `template` and `styles` let a test hand in a page part the
 * gateway must refuse; `issuer` binds every instrument to that adapter (a voucher held
 * at its issuer, as a personal account is held at its bank).
 */
export function voucherMethod(template = VOUCHER_TEMPLATE, styles = VOUCHER_STYLES, issuer?: string): PaymentMethod<z.output<typeof voucherInput>> {
  return {
    type: 'voucher',
    input: voucherInput,
    capability: VOUCHER_CAPABILITY,
    page: {
      template,
      styles,
      path: 'voucher',
      fields: ['code'],
      keep: ['code'],
      messages: {
        en: { title: 'Pay with a gift voucher', code: 'Voucher code', button: 'Redeem', code_invalid: 'Enter the 8 to 16 letters and digits of your voucher.' },
        ru: { title: 'Оплата подарочным сертификатом', code: 'Код сертификата', button: 'Оплатить', code_invalid: 'Введите 8–16 букв и цифр сертификата.' },
      },
      context: () => ({}),
      submission: async (posted) => ({ input: { code: (posted.code ?? '').trim() } }),
      refusal: (error: TenderError): MethodPageRefusal | undefined =>
        error.param === 'payment_method.voucher.code' ? { status: 422, errors: { code: 'm.code_invalid' }, alert: 'error_form', code: error.code } : undefined,
    },
    async instrument(input): Promise<PaymentInstrument> {
      return {
        bank: { kind: 'fields', fields: { code: input.code } },
        ...(issuer === undefined ? {} : { issuerAdapter: issuer }),
        record: async () => undefined,
      };
    },
  };
}

/** A plugin with the voucher method and, when given, the stand-in voucher bank. */
export function voucherPlugin(options: { bank?: VoucherBank; template?: string; styles?: string; issuer?: string } = {}): TenderPlugin {
  return definePlugin({
    name: 'test-vouchers',
    version: '0.0.1',
    coreRange: '^0.1.0',
    setup(ctx) {
      if (options.bank !== undefined) ctx.registerBankAdapter(options.bank);
      ctx.registerPaymentMethod(voucherMethod(options.template, options.styles, options.issuer));
    },
  });
}

/**
 * A voucher issuer that is its own ledger (`ownLedger`): no money leaves the
 * gateway, test and live vouchers kept apart, so test-mode payments bound to it may
 * reach it (MethodRouting.issuerRoute).
 */
export class LedgerVoucherBank extends VoucherBank {
  override readonly code: string = 'voucherledger';
  readonly ownLedger = true;
}
