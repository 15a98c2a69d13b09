import { TenderError } from '../../errors/tender-error';
import { PaymentMethod, PreparedPaymentMethod } from '../payment-method';
import { parseCardInput } from './card-input';

/** The simplest PaymentMethod: a bank card, checked for Luhn, expiry and CVC shape. */
export class CardPaymentMethod implements PaymentMethod {
  readonly code = 'card';

  prepare(raw: Record<string, unknown> | undefined, now: Date): PreparedPaymentMethod {
    if (raw === undefined) throw new TenderError('parameter_missing', { param: 'payment_method.card', message: 'payment_method.card is required for type card.' });
    const known = new Set(['number', 'exp_month', 'exp_year', 'cvc', 'holder_name']);
    const unknown = Object.keys(raw).find((k) => !known.has(k));
    if (unknown !== undefined) throw new TenderError('parameter_unknown', { param: `payment_method.card.${unknown}`, message: `Unknown parameter: payment_method.card.${unknown}.` });
    return { type: 'card', card: parseCardInput(raw, now) };
  }
}
