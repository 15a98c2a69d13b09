import { TenderError } from '../../errors/tender-error';
import { PaymentMethod, PreparedPaymentMethod } from '../payment-method';

/**
 * Payment from the payer's personal account. Only the payer can confirm it, proven
 * by a client certificate (a signed request or a TLS client certificate) at
 * `/pay-account/:token/confirm`; a merchant's secret key cannot, so confirming
 * `type: account` through the merchant API is refused with a pointer there.
 * `prepare` validates the one field a payer may send: the account number.
 */
export class AccountPaymentMethod implements PaymentMethod {
  readonly code = 'account';

  prepare(raw: Record<string, unknown> | undefined): PreparedPaymentMethod {
    const known = new Set(['number']);
    const unknown = Object.keys(raw ?? {}).find((k) => !known.has(k));
    if (unknown !== undefined) throw new TenderError('parameter_unknown', { param: `account.${unknown}`, message: `Unknown parameter: account.${unknown}.` });
    const number = raw?.number;
    if (number !== undefined && (typeof number !== 'string' || !/^[0-9A-Za-z]{5,34}$/.test(number))) {
      throw new TenderError('parameter_invalid', { param: 'account.number', message: 'account.number must be 5 to 34 letters or digits.' });
    }
    return { type: 'account', account: { number } };
  }
}

/** Refusal for `payment_method.type = account` on the merchant API. */
export function accountNeedsPayer(): TenderError {
  return new TenderError('payment_method_unsupported', {
    param: 'payment_method.type',
    message: 'Payments from a personal account are confirmed by the payer with a client certificate at /pay-account/<token>/confirm (see docs/payer-apps.md).',
  });
}
