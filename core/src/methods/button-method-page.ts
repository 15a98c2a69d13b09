import { TenderError } from '../errors/tender-error';
import { Payment } from '../payments/payment';
import { MethodPageLocale, MethodPageRefusal, MethodPageSubmission, PaymentMethodPage } from './payment-method-page';

/** The texts of a one-button part, per language: a heading, the button, optionally a line of help. */
export interface ButtonPartTexts {
  readonly title: string;
  readonly button: string;
  readonly hint?: string;
  /** Shown when no bank can take the method for this payment. */
  readonly unavailable: string;
}

/** What makes a one-button part. */
export interface ButtonPartOptions {
  /** The part's page path and the prefix of its element ids (`<name>-option`, `<name>-pay-button`): lower-case letters, digits and -. */
  readonly name: string;
  readonly texts: Partial<Record<MethodPageLocale, ButtonPartTexts>> & { readonly en: ButtonPartTexts };
  /** Whether the part is shown for this payment (a currency, a capture method). */
  offered(payment: Payment): boolean;
  /** Show the amount on the button. */
  readonly amountOnButton?: boolean;
}

/**
 * The hosted page part of a method with nothing to type: the buyer finishes
 * elsewhere (a QR code in a bank's app, a wallet's page), so the part is a heading
 * and one button that confirms; the payment's page then shows the next action. A
 * refusal the method explains (no route for it) is shown on the part as an alert.
 *
 * @example
 * ```ts
 * readonly page = new ButtonMethodPage({ name: 'sbp', texts: { en: { title: 'Pay by SBP', button: 'Pay by SBP', unavailable: 'SBP is not available for this payment.' } }, offered: (p) => p.currency === 'RUB' });
 * ```
 */
export class ButtonMethodPage implements PaymentMethodPage {
  readonly template: string;
  readonly path: string;
  /** One fixed hidden field: the post names the part it came from. */
  readonly fields: readonly string[] = ['part'];
  readonly messages: Partial<Record<MethodPageLocale, Readonly<Record<string, unknown>>>>;
  readonly styles: string;

  constructor(private readonly options: ButtonPartOptions) {
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(options.name)) throw new Error(`a button part's name must be lower-case letters, digits and -, not '${options.name}'`);
    const id = options.name;
    this.path = id;
    this.messages = Object.fromEntries(Object.entries(options.texts).map(([locale, texts]) => [locale, { ...texts }]));
    this.styles = `.${id}-hint{opacity:.8;margin:0 0 12px}`;
    this.template = `<section class="${id}-option" id="${id}-option" aria-labelledby="${id}-option-title">
  <h2 id="${id}-option-title">{{m.title}}</h2>
  {{#if m.hint}}<p class="${id}-hint">{{m.hint}}</p>{{/if}}
  {{#if part.alert}}<p class="field-error" role="alert" data-code="{{part.code}}">{{part.alert}}</p>{{/if}}
  <form method="post" action="{{method.action}}" target="_parent" id="${id}-form">
    <input type="hidden" name="form_token" value="{{method.token}}">
    <input type="hidden" name="part" value="${id}">
    <button type="submit" class="pay-button" id="${id}-pay-button">{{m.button}}${options.amountOnButton === true ? ' {{payment.amount}}' : ''}</button>
  </form>
</section>`;
  }

  async offered(payment: Payment): Promise<boolean> {
    return this.options.offered(payment);
  }

  context(): Record<string, unknown> {
    return {};
  }

  async submission(): Promise<MethodPageSubmission> {
    return { input: {} };
  }

  refusal(error: TenderError): MethodPageRefusal | undefined {
    return error.code === 'payment_method_unavailable' || error.code === 'no_bank_connection'
      ? { status: 422, alert: 'unavailable', code: error.code }
      : undefined;
  }
}
