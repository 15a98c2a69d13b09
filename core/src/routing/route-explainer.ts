import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { DATABASE, Database } from '../db/database';
import { notFound } from '../errors/tender-error';
import { fields } from '../http/validation';
import { MerchantRepository } from '../merchants/merchant.repository';
import { detectBrand } from '../methods/card/card-brand';
import { findCurrency } from '../money/currencies';
import { BankRouter, RouteExplanation } from './bank-router';

/**
 * A dry run: "which connections, in which order and why, would this payment take?"
 * The body of POST /admin/v1/routing/explain; the console's tester fills it from its form.
 *
 * @example
 * ```json
 * { "merchant": "mer_1", "mode": "live", "amount": 150000, "currency": "RUB", "payment_method": "card", "card_bin": "220000" }
 * ```
 */
export const explainRequestSchema = z
  .object({
    merchant: fields.id('mer'),
    mode: z.enum(['live', 'test']).default('live'),
    amount: fields.minorUnits(1),
    currency: z.string().refine((c) => /^[A-Z]{3}$/.test(c) && findCurrency(c) !== undefined, 'must be an ISO 4217 code Tender knows'),
    payment_method: fields.identifier(40).default('card'),
    card_bin: z
      .string()
      .regex(/^\d{6}$/, 'must be 6 digits (a BIN)')
      .optional(),
    /** What weighted splits draw from; a payment id explains that payment's draw. */
    reference: fields.identifier(64).optional(),
  })
  .strict();

export type ExplainRequest = z.output<typeof explainRequestSchema>;

/** A dry run's reference when none is given: the same form gives the same answer. */
const DRY_RUN_REFERENCE = 'routing-explain';

/**
 * Runs routing for a described payment without creating or sending anything.
 *
 * @example
 * ```ts
 * const view = await explainer.explain({ merchant: 'mer_1', mode: 'live', amount: 1000, currency: 'RUB', payment_method: 'card', card_bin: '424242' });
 * ```
 */
@injectable()
export class RouteExplainer {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(MerchantRepository) private readonly merchants: MerchantRepository,
    @inject(BankRouter) private readonly router: BankRouter,
  ) {}

  async explain(request: ExplainRequest): Promise<Record<string, unknown>> {
    if ((await this.merchants.find(this.db, request.merchant)) === undefined) throw notFound('merchant', request.merchant);
    const brand = request.card_bin === undefined ? undefined : detectBrand(request.card_bin);
    const reference = request.reference ?? DRY_RUN_REFERENCE;
    const explanation = await this.router.explain(
      { merchantId: request.merchant, livemode: request.mode === 'live' },
      {
        reference,
        paymentMethod: request.payment_method,
        brand: brand === 'unknown' ? undefined : brand,
        bin: request.card_bin,
        currency: request.currency,
        amount: request.amount,
      },
    );
    return explanationView(request, reference, brand, explanation);
  }
}

export function explanationView(request: ExplainRequest, reference: string, brand: string | undefined, e: RouteExplanation): Record<string, unknown> {
  return {
    object: 'routing_explanation',
    strategy: e.strategy,
    merchant: request.merchant,
    mode: e.livemode ? 'live' : 'test',
    payment: {
      amount: request.amount,
      currency: request.currency,
      payment_method: request.payment_method,
      card_bin: request.card_bin ?? null,
      brand: brand ?? null,
      reference,
    },
    candidates: e.candidates.map((c, i) => ({
      position: i + 1,
      bank_connection: c.connectionId ?? null,
      bank: c.bankCode,
      adapter: c.adapterCode,
      reason: c.reason,
    })),
    skipped: e.skipped.map((s) => ({ bank_connection: s.connectionId, bank: s.bankCode, kind: s.kind, reason: s.reason })),
  };
}
