import { inject, injectable } from 'tsyringe';
import { BankRegistry } from '../banks/bank-registry';
import { MerchantContext } from '../merchants/merchant-context';
import { PaymentInstrument, PaymentMethod } from '../methods/payment-method';
import { PaymentMethodRegistry } from '../methods/payment-method.registry';
import { PreparedRisk, RiskEngine } from '../monitoring/risk-engine';
import { RiskCustomer } from '../monitoring/risk-assessment';
import { RouteCandidate } from '../routing/bank-router';
import { MethodRouting } from './method-routing';
import { Payment } from './payment';
import { PaymentMethodInput, parseMethodInput } from './payment-input';
import type { ConfirmPresentation } from './payment.service';
import { PreparedAdjustment } from './amount-adjuster';
import { AmountAdjusterRegistry } from './amount-adjuster.registry';

/** A method and its parsed input, from `payment_method` (an object or a reference string). */
export interface ChosenMethod {
  readonly method: PaymentMethod;
  readonly input: unknown;
}

/** Everything a confirm checks before it writes anything: instrument, route, risk's input. */
export interface PreparedConfirm {
  readonly method: PaymentMethod;
  readonly instrument: PaymentInstrument;
  readonly plan: readonly RouteCandidate[];
  /** The buyer is on the hosted page and the first route's bank can challenge (3-D Secure). */
  readonly canChallenge: boolean;
  readonly risk: PreparedRisk | undefined;
  readonly presentation: ConfirmPresentation;
  /** What a hosted-page add-on asked to keep the card for in this confirm (written to the payment). */
  readonly addonSetupFutureUsage: 'on_session' | 'off_session' | undefined;
  /** The API's and the add-ons' amount adjustments, applied in the confirm transaction in this order. */
  readonly adjustments: readonly PreparedAdjustment[];
}

/**
 * The part of a confirm that runs before any row is written or any bank asked:
 * which method `payment_method` names (an object `{type, <type>: {...}}`, or a
 * reference string `"pm_..."` that the method with that `referencePrefix` takes as
 * `{ id }`), its parsed input, the instrument built against the payment (for
 * create-and-confirm, the payment about to be inserted), the route, and risk's
 * input. A refusal in any of them throws, and nothing has been written.
 *
 * @example
 * ```ts
 * const chosen = preparation.methodOf('pm_123');
 * const prepared = await preparation.prepare(ctx, payment, chosen, undefined, { buyerPresent: false }, now);
 * ```
 */
@injectable()
export class ConfirmPreparation {
  constructor(
    @inject(PaymentMethodRegistry) private readonly methods: PaymentMethodRegistry,
    @inject(MethodRouting) private readonly routing: MethodRouting,
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(RiskEngine) private readonly risk: RiskEngine,
    @inject(AmountAdjusterRegistry) private readonly adjusters: AmountAdjusterRegistry,
  ) {}

  methodOf(paymentMethod: PaymentMethodInput): ChosenMethod {
    if (typeof paymentMethod === 'string') {
      const method = this.methods.byReference(paymentMethod);
      return { method, input: parseMethodInput(method, { type: method.type, [method.type]: { id: paymentMethod } }) };
    }
    const method = this.methods.get(paymentMethod.type);
    return { method, input: parseMethodInput(method, paymentMethod) };
  }

  async prepare(
    ctx: MerchantContext,
    payment: Payment,
    chosen: ChosenMethod,
    customer: RiskCustomer | undefined,
    presentation: ConfirmPresentation,
    now: number,
  ): Promise<PreparedConfirm> {
    const { method } = chosen;
    const addonSetupFutureUsage = presentation.addons?.find((a) => a.setupFutureUsage !== undefined)?.setupFutureUsage;
    const instrument = await method.instrument(chosen.input, {
      payment,
      now,
      payer: presentation.payer,
      buyerPresent: presentation.buyerPresent,
      // A buyer back on the page (a new attempt after a decline) is present, whatever the payment was created as.
      offSession: payment.offSession && !presentation.buyerPresent,
      setupFutureUsage: addonSetupFutureUsage ?? payment.setupFutureUsage,
      verification: presentation.verification === true,
    });
    const plan = await this.routing.plan(ctx, payment, method, instrument);
    const adapter = this.banks.get(plan[0].adapterCode);
    const canChallenge =
      presentation.buyerPresent && instrument.authenticable === true && adapter.threeDSecure !== undefined && adapter.completeAuthorization !== undefined;
    // Transaction monitoring (docs/risk.md): assessed before any bank sees the instrument.
    const risk = instrument.risk === undefined ? undefined : await this.risk.prepare(ctx, instrument.risk, customer);
    const adjustmentFacts = { merchant: ctx, payment, cardFingerprint: instrument.risk?.fingerprint, now };
    const adjustments = [
      ...(await this.adjusters.prepareAll(presentation.adjustments ?? {}, adjustmentFacts)),
      ...(presentation.addons ?? []).flatMap((a) => (a.adjustment === undefined ? [] : [a.adjustment])),
    ];
    return { method, instrument, plan, canChallenge, risk, presentation, addonSetupFutureUsage, adjustments };
  }
}
