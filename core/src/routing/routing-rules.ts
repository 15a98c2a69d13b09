import { z } from 'zod';
import { fields } from '../http/validation';

const bankCode = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a bank code (lowercase letters, digits, - and _)');
const binPrefix = z.string().regex(/^\d{6}$/, 'must be 6 digits (a BIN)');

/**
 * One routing rule: when a payment matches every condition given, its banks are
 * tried in the order the targets' weights draw. Lower `priority` is considered
 * first; merchant rules come before the operator's.
 *
 * @example
 * ```json
 * { "id": "mir-to-alfa", "priority": 10, "match": { "brands": ["mir"], "currencies": ["RUB"] },
 *   "targets": [{ "bank": "alfa", "weight": 70 }, { "bank": "sber", "weight": 30 }] }
 * ```
 */
export const routingRuleSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1 to 64 letters, digits, ., - or _'),
    priority: fields.integer(0, 1_000_000),
    match: z
      .object({
        payment_methods: z.array(fields.identifier(40)).min(1).max(20).optional(),
        brands: z
          .array(z.enum(['visa', 'mastercard', 'mir']))
          .min(1)
          .max(10)
          .optional(),
        bin_ranges: z
          .array(
            z
              .object({ from: binPrefix, to: binPrefix })
              .strict()
              .refine((r) => r.from <= r.to, 'from must not exceed to'),
          )
          .min(1)
          .max(100)
          .optional(),
        currencies: z
          .array(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'))
          .min(1)
          .max(50)
          .optional(),
        amount_min: fields.minorUnits(0).optional(),
        amount_max: fields.minorUnits(0).optional(),
      })
      .strict()
      .refine((m) => m.amount_min === undefined || m.amount_max === undefined || m.amount_min <= m.amount_max, 'amount_min must not exceed amount_max'),
    targets: z
      .array(z.object({ bank: bankCode, weight: fields.integer(1, 1000) }).strict())
      .min(1)
      .max(20),
  })
  .strict();

export const routingRuleSetSchema = z
  .object({ rules: z.array(routingRuleSchema).max(200) })
  .strict()
  .refine((s) => new Set(s.rules.map((r) => r.id)).size === s.rules.length, { message: 'rule ids must be unique', path: ['rules'] });

export type RoutingRule = z.output<typeof routingRuleSchema>;
export type RoutingRuleSet = z.output<typeof routingRuleSetSchema>;

/** What routing knows about a payment when it picks banks. */
export interface PaymentFacts {
  readonly paymentMethod: string;
  readonly brand: string | undefined;
  readonly bin: string | undefined;
  readonly currency: string;
  readonly amount: number;
}

export function ruleMatches(rule: RoutingRule, facts: PaymentFacts): boolean {
  const m = rule.match;
  if (m.payment_methods !== undefined && !m.payment_methods.includes(facts.paymentMethod)) return false;
  if (m.brands !== undefined && (facts.brand === undefined || !(m.brands as readonly string[]).includes(facts.brand))) return false;
  if (m.currencies !== undefined && !m.currencies.includes(facts.currency)) return false;
  if (m.amount_min !== undefined && facts.amount < m.amount_min) return false;
  if (m.amount_max !== undefined && facts.amount > m.amount_max) return false;
  if (m.bin_ranges !== undefined) {
    const bin = facts.bin;
    if (bin === undefined) return false;
    if (!m.bin_ranges.some((r) => bin >= r.from && bin <= r.to)) return false;
  }
  return true;
}
