import { TenderError } from '../../errors/tender-error';
import { MethodPageRefusal, MethodPageSubmission, MethodPageView, PaymentMethodPage } from '../payment-method-page';

/**
 * The card's part of the hosted page: the theme's `card_fields` partial (number,
 * expiry, CVC, name), posting to `/pay/<token>`. Only the name on the card is kept
 * for a second try: the buyer types the number and CVC again.
 *
 * @example
 * ```ts
 * const submission = await cardPage.submission({ number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123' }, request);
 * ```
 */
export const cardPage: PaymentMethodPage = {
  template: '{{> card_fields}}',
  path: '',
  fields: ['number', 'expiry', 'cvc', 'holder_name'],
  keep: ['holder_name'],

  context(view: MethodPageView): Record<string, unknown> {
    return {
      form: {
        action: view.action,
        token: view.token,
        holder_name: view.state.values.holder_name ?? '',
        errors: view.state.errors,
        alert: view.failure?.text ?? view.state.alert,
        alert_title: view.failure?.title ?? null,
        alert_retry: view.failure?.retry ?? null,
      },
    };
  },

  async submission(posted): Promise<MethodPageSubmission> {
    const expiry = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(posted.expiry ?? '');
    const holderName = (posted.holder_name ?? '').slice(0, 100);
    const errors = {
      ...((posted.number ?? '').trim() === '' ? { number: 'error_number' } : {}),
      ...(expiry === null ? { expiry: 'error_expiry' } : {}),
      ...(!/^\d{3,4}$/.test(posted.cvc ?? '') ? { cvc: 'error_cvc' } : {}),
    };
    if (Object.keys(errors).length > 0) return { errors };
    return {
      input: {
        number: posted.number,
        exp_month: Number(expiry?.[1]),
        exp_year: Number(expiry?.[2]),
        cvc: posted.cvc,
        holder_name: holderName === '' ? undefined : holderName,
      },
    };
  },

  refusal(error: TenderError): MethodPageRefusal | undefined {
    const field = fieldOf(error);
    return field === undefined ? undefined : { status: 422, errors: { [field]: `error_${field}` }, alert: 'error_form' };
  },
};

/** Which form field a card validation error is about. */
function fieldOf(error: TenderError): 'number' | 'expiry' | 'cvc' | 'name' | undefined {
  switch (error.code) {
    case 'card_number_invalid':
      return 'number';
    case 'card_expiry_invalid':
      return 'expiry';
    case 'card_cvc_invalid':
      return 'cvc';
    case 'parameter_missing':
    case 'parameter_invalid':
      return error.param?.endsWith('.number') === true ? 'number' : error.param?.endsWith('holder_name') === true ? 'name' : undefined;
    default:
      return undefined;
  }
}
