import fs from 'node:fs';
import path from 'node:path';
import { MethodPageRefusal, MethodPageSubmission, Payment, PaymentMethodPage, TenderError } from '@tender/core';

/** The package's folder (templates/ sits next to dist/), wherever it is installed. */
const PACKAGE_DIR = path.join(__dirname, '..', '..', '..');

/** Refusals this part explains next to the code field, by catalogue code; others are not its to show. */
const EXPLAINED: Readonly<Record<string, string>> = {
  parameter_missing: 'm.errors.missing',
  parameter_invalid: 'm.errors.not_accepted',
  amount_too_large: 'm.errors.balance',
};

/**
 * "Pay with a voucher" on the hosted page: the voucher method's part of the payment
 * form island (templates/voucher-part.hbs). Offered for payments in a currency the
 * operator issues vouchers in. The code is a bearer secret, so it is never kept for
 * the form shown again after a refusal (`keep` is empty). A refusal is shown under
 * the field with its catalogue code and charges nothing.
 *
 * @example
 * ```ts
 * const page = new VoucherPage(['RUB']);
 * await page.offered(payment); // true for a RUB payment
 * ```
 */
export class VoucherPage implements PaymentMethodPage {
  readonly template = fs.readFileSync(path.join(PACKAGE_DIR, 'templates', 'voucher-part.hbs'), 'utf8');
  readonly path = 'voucher';
  readonly fields = ['code'];
  readonly keep: readonly string[] = [];
  readonly messages = {
    en: {
      title: 'Pay with a voucher',
      code: 'Voucher code',
      button: 'Redeem',
      errors: {
        missing: 'Enter the code printed on your voucher.',
        not_accepted: 'This is not a voucher of this shop for this currency; check the code.',
        balance: 'The voucher balance does not cover this amount.',
      },
    },
    ru: {
      title: 'Оплата подарочным сертификатом',
      code: 'Код сертификата',
      button: 'Оплатить',
      errors: {
        missing: 'Введите код, напечатанный на сертификате.',
        not_accepted: 'Это не сертификат этого магазина в этой валюте; проверьте код.',
        balance: 'Остатка на сертификате не хватает на эту сумму.',
      },
    },
  };

  constructor(private readonly currencies: readonly string[]) {}

  async offered(payment: Payment): Promise<boolean> {
    return this.currencies.includes(payment.currency);
  }

  context(): Record<string, unknown> {
    return {};
  }

  async submission(posted: Readonly<Record<string, string>>): Promise<MethodPageSubmission> {
    return { input: { code: posted.code ?? '' } };
  }

  refusal(error: TenderError): MethodPageRefusal | undefined {
    const key = EXPLAINED[error.code];
    if (key === undefined || !(error.param ?? '').startsWith('payment_method.voucher')) return undefined;
    return { status: 422, errors: { code: key }, code: error.code };
  }
}
