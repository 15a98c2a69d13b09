import { injectAll, injectable } from 'tsyringe';
import { TenderError } from '../errors/tender-error';
import { CardInput } from './card/card-input';

/**
 * EXTENSION POINT: how a buyer pays (card today; a personal account identified by
 * a client certificate next). A method validates what the buyer sent, before any
 * row is written or any bank is asked, and says what the bank request needs.
 *
 * @example
 * ```ts
 * const method = methods.get('card');
 * const prepared = method.prepare({ number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' }, new Date());
 * ```
 */
export interface PaymentMethod {
  /** Unique code, the `payment_method.type` a request names. */
  readonly code: string;
  /** Validates the method's own fields; throws TenderError with `param` under `payment_method.<code>`. */
  prepare(raw: Record<string, unknown> | undefined, now: Date): PreparedPaymentMethod;
}

/** What a validated payment method hands to the payment service. */
export type PreparedPaymentMethod =
  | { readonly type: 'card'; readonly card: CardInput }
  /** A personal account; `number` is what the payer named, checked against the certificate's binding. */
  | { readonly type: 'account'; readonly account: { readonly number: string | undefined } };

export const PAYMENT_METHOD = Symbol('PaymentMethod');

@injectable()
export class PaymentMethodRegistry {
  private readonly byCode = new Map<string, PaymentMethod>();

  constructor(@injectAll(PAYMENT_METHOD) methods: PaymentMethod[]) {
    for (const m of methods) {
      if (this.byCode.has(m.code)) throw new Error(`two payment methods share the code '${m.code}'`);
      this.byCode.set(m.code, m);
    }
  }

  get(code: string): PaymentMethod {
    const method = this.byCode.get(code);
    if (method === undefined) {
      throw new TenderError('payment_method_unsupported', {
        param: 'payment_method.type',
        message: `Unsupported payment_method.type; supported: ${[...this.byCode.keys()].join(', ')}.`,
      });
    }
    return method;
  }
}
