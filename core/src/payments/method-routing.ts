import { inject, injectable } from 'tsyringe';
import { TenderError } from '../errors/tender-error';
import { MerchantContext } from '../merchants/merchant-context';
import { BankRegistry } from '../banks/bank-registry';
import { BankRouter, RouteCandidate, SANDBOX_ADAPTER_CODE } from '../routing/bank-router';
import { supportsCapability } from '../methods/bank-capability';
import { PaymentInstrument, PaymentMethod } from '../methods/payment-method';
import { Payment } from './payment';

/**
 * The route of a confirm, for any method: the router's plan (rules, health) kept to
 * the connections whose adapter supports the method's bank capability. An
 * instrument bound to one bank (`issuerAdapter`, e.g. a personal account) is routed
 * there alone. Nothing left is a refusal before anything is written:
 * `payment_method_unavailable` when no connection has the capability,
 * `no_bank_connection` as the router says it otherwise.
 *
 * @example
 * ```ts
 * const plan = await routing.plan(ctx, payment, method, instrument);
 * ```
 */
@injectable()
export class MethodRouting {
  constructor(
    @inject(BankRouter) private readonly router: BankRouter,
    @inject(BankRegistry) private readonly banks: BankRegistry,
  ) {}

  async plan(ctx: MerchantContext, payment: Payment, method: PaymentMethod, instrument: PaymentInstrument): Promise<RouteCandidate[]> {
    if (instrument.issuerAdapter !== undefined) return [this.issuerRoute(ctx, method, instrument.issuerAdapter)];
    const request = {
      reference: payment.id,
      paymentMethod: method.type,
      capability: method.capability,
      brand: instrument.routing?.brand,
      bin: instrument.routing?.bin,
      currency: payment.currency,
      amount: payment.amount,
    };
    const explanation = await this.router.explain(ctx, request);
    // The active strategy leaves out live connections that cannot do the capability; test mode's sandbox is checked here.
    const able = explanation.candidates.filter((c) => supportsCapability(this.banks.get(c.adapterCode), method.capability));
    if (able.length > 0) return able;
    const capabilityMissing =
      explanation.candidates.length > 0 || (explanation.skipped.length > 0 && explanation.skipped.every((s) => s.kind === 'capability_missing'));
    if (!capabilityMissing) return this.router.plan(ctx, request); // says no_bank_connection, with its reason
    throw new TenderError('payment_method_unavailable', {
      param: 'payment_method.type',
      message: `No bank connection that serves this payment can take payment_method.type '${method.type}' (it needs the bank capability '${method.capability}').`,
    });
  }

  /**
   * The instrument's own bank; test-mode payments only ever reach the sandbox, live
   * ones never, except at an adapter that is its own ledger (`ownLedger`: no money
   * leaves the gateway, test and live kept apart), which takes both.
   */
  private issuerRoute(ctx: MerchantContext, method: PaymentMethod, code: string): RouteCandidate {
    const adapter = this.banks.has(code) ? this.banks.get(code) : undefined;
    const modeAllowed = adapter?.ownLedger === true || (code === SANDBOX_ADAPTER_CODE) !== ctx.livemode;
    if (adapter === undefined || !modeAllowed || !supportsCapability(adapter, method.capability)) {
      throw new TenderError('no_bank_connection', {
        message: ctx.livemode ? "The payer's bank cannot take live payments of this kind." : 'Test-mode payments can only be paid at the sandbox bank.',
      });
    }
    return {
      adapterCode: code,
      terms: { bankMerchantId: undefined, terminalId: undefined },
      reason: 'the instrument is held at this bank',
      connectionId: undefined,
      bankCode: code,
    };
  }
}
