import { TenderError } from '../errors/tender-error';
import { AdjustmentFacts, AmountAdjuster, PreparedAdjustment } from './amount-adjuster';

/**
 * The registered AmountAdjusters by name. `prepareAll` turns a confirm's
 * `adjustments` object into prepared adjustments before anything is written: an
 * unknown name is parameter_unknown, input its schema refuses parameter_invalid
 * (`param` `adjustments.<name>.<field>`).
 *
 * @example
 * ```ts
 * registry.add('loyalty', loyaltyAdjuster);
 * const prepared = await registry.prepareAll({ loyalty: { card: '7000...', redeem_points: 500 } }, facts);
 * ```
 */
export class AmountAdjusterRegistry {
  private readonly adjusters = new Map<string, AmountAdjuster>();

  add(shortName: string, adjuster: AmountAdjuster): void {
    if (typeof adjuster?.name !== 'string' || !/^[a-z][a-z0-9-]{0,59}$/.test(adjuster.name))
      throw new Error('an amount adjuster needs a name of lower-case letters, digits and dashes');
    if (adjuster.name !== shortName && !adjuster.name.startsWith(`${shortName}-`))
      throw new Error(`the amount adjuster '${adjuster.name}' must be named after its plugin ('${shortName}' or '${shortName}-...')`);
    if (typeof adjuster.prepare !== 'function' || typeof adjuster.input?.safeParse !== 'function')
      throw new Error(`the amount adjuster '${adjuster.name}' needs an input schema and a prepare function`);
    if (this.adjusters.has(adjuster.name)) throw new Error(`an amount adjuster named '${adjuster.name}' is registered already`);
    this.adjusters.set(adjuster.name, adjuster);
  }

  get(name: string): AmountAdjuster | undefined {
    return this.adjusters.get(name);
  }

  async prepareAll(inputs: Readonly<Record<string, unknown>>, facts: AdjustmentFacts): Promise<PreparedAdjustment[]> {
    const prepared: PreparedAdjustment[] = [];
    for (const [name, raw] of Object.entries(inputs)) {
      const adjuster = this.adjusters.get(name);
      if (adjuster === undefined)
        throw new TenderError('parameter_unknown', { param: `adjustments.${name}`, message: `No amount adjuster named '${name}' is loaded.` });
      const parsed = adjuster.input.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const param = ['adjustments', name, ...issue.path.map(String)].join('.');
        throw new TenderError('parameter_invalid', { param, message: `${param}: ${issue.message}` });
      }
      prepared.push(await adjuster.prepare(parsed.data, facts));
    }
    return prepared;
  }
}

/** A discount `apply` returned must be an integer from 0 to amountDue - 1. */
export function checkedDiscount(discount: number, amountDue: number): number {
  if (!Number.isSafeInteger(discount) || discount < 0 || discount >= amountDue)
    throw new Error(`an amount adjustment returned ${discount}, not an integer from 0 to ${amountDue - 1}`);
  return discount;
}
