import { injectAll, injectable } from 'tsyringe';
import { TenderError } from '../errors/tender-error';
import { PAYMENT_METHOD, PaymentMethod } from './payment-method';
import { methodPartProblem } from './method-part-template';
import { methodStylesProblem } from './method-part-styles';

/**
 * The registered payment methods (the card method of core, then plugins' in
 * registration order: the hosted page shows their parts in that order). Checked at
 * start: a duplicate type or page path, a malformed one, or a page template that
 * would show a value unescaped stops the gateway.
 *
 * @example
 * ```ts
 * const method = methods.get('card'); // payment_method_unsupported for a type nobody registered
 * ```
 */
@injectable()
export class PaymentMethodRegistry {
  private readonly byType = new Map<string, PaymentMethod>();
  private readonly byPrefix = new Map<string, PaymentMethod>();

  constructor(@injectAll(PAYMENT_METHOD) methods: PaymentMethod[]) {
    const paths = new Set<string>();
    for (const m of methods) {
      if (!/^[a-z][a-z0-9_]{0,39}$/.test(m.type)) throw new Error(`payment method type '${m.type}' must be lower-case letters, digits and _`);
      if (this.byType.has(m.type)) throw new Error(`two payment methods share the type '${m.type}'`);
      if (m.page !== undefined) {
        if (!/^(|[a-z][a-z-]{0,39})$/.test(m.page.path) || ['fields', 'assets', '3ds'].includes(m.page.path))
          throw new Error(`payment method ${m.type} has an unusable page path '${m.page.path}'`);
        if (paths.has(m.page.path)) throw new Error(`two payment methods post to the page path '${m.page.path}'`);
        paths.add(m.page.path);
        const problem = methodPartProblem(m.page.template);
        if (problem !== undefined) throw new Error(`the page template of payment method ${m.type} cannot be used: ${problem}`);
        const styles = m.page.styles === undefined ? undefined : methodStylesProblem(m.page.styles);
        if (styles !== undefined) throw new Error(`the page styles of payment method ${m.type} cannot be used: the style sheet ${styles}`);
      }
      if (m.referencePrefix !== undefined) {
        if (!/^[a-z][a-z0-9]{0,15}$/.test(m.referencePrefix))
          throw new Error(`payment method ${m.type} has an unusable reference prefix '${m.referencePrefix}' (lower-case letters and digits)`);
        if (this.byPrefix.has(m.referencePrefix)) throw new Error(`two payment methods claim the reference prefix '${m.referencePrefix}'`);
        this.byPrefix.set(m.referencePrefix, m);
      }
      this.byType.set(m.type, m);
    }
  }

  /**
   * The method a reference string (`"pm_..."`) stands for: the one whose
   * `referencePrefix` is the part before the first `_`; parameter_invalid when none
   * claims it.
   */
  byReference(reference: string): PaymentMethod {
    const prefix = reference.slice(0, Math.max(0, reference.indexOf('_')));
    const method = this.byPrefix.get(prefix);
    if (method === undefined) {
      throw new TenderError('parameter_invalid', {
        param: 'payment_method',
        message:
          this.byPrefix.size === 0
            ? 'payment_method must be an object { type, <type>: {...} }: no payment method here takes a reference.'
            : `payment_method names no payment method this gateway knows (references start with ${[...this.byPrefix.keys()].map((k) => `${k}_`).join(', ')}).`,
      });
    }
    return method;
  }

  get(type: string): PaymentMethod {
    const method = this.byType.get(type);
    if (method === undefined) {
      throw new TenderError('payment_method_unsupported', {
        param: 'payment_method.type',
        message: `Unsupported payment_method.type; supported: ${[...this.byType.keys()].join(', ')}.`,
      });
    }
    return method;
  }

  all(): PaymentMethod[] {
    return [...this.byType.values()];
  }

  /** The method whose page part posts to `path`, if any. */
  byPagePath(path: string): PaymentMethod | undefined {
    return this.all().find((m) => m.page?.path === path);
  }
}
