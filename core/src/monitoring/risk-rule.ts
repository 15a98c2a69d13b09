import { z } from 'zod';
import { Queryable } from '../db/database';
import { Payment } from '../payments/payment';

/** Injection token under which every RiskRule is registered (read back with `resolveAll`). */
export const RISK_RULE = Symbol('RiskRule');

/** What the engine does with a payment, from mildest to strictest. */
export const RISK_DECISIONS = ['allow', 'challenge', 'review', 'block'] as const;
export type RiskDecision = (typeof RISK_DECISIONS)[number];

/**
 * Everything a rule may look at. The card appears only as its keyed fingerprint
 * (HMAC of the PAN under a vault-derived key) and its BIN: a rule never sees a PAN.
 */
export interface RiskInput {
  /** The payment being confirmed (amount, currency, merchant, mode). */
  readonly payment: Payment;
  readonly card: { readonly fingerprint: string; readonly bin: string; readonly brand: string };
  /** The buyer's IP as the shop reported it in `customer.ip` on confirm; undefined when not sent. */
  readonly ip: string | undefined;
  /** The buyer's e-mail, lower-cased, from `customer.email` on confirm. */
  readonly email: string | undefined;
  /** Epoch milliseconds (the gateway's CLOCK). */
  readonly now: number;
}

/** One earlier-attempt dimension a history query can be keyed by. */
export type HistoryKey =
  | { readonly kind: 'card'; readonly value: string }
  | { readonly kind: 'ip'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'merchant' };

/**
 * Recent attempts of this merchant in this mode. Every method is one indexed query
 * bounded by a time window and by `cap` rows, so its cost does not grow with the
 * history: a rule asks "at least N?" by passing cap = N.
 */
export interface RiskHistory {
  /**
   * The connection this assessment reads on (the confirm's transaction when there is
   * one), for a rule that reads its own plugin's tables: read through it, never through
   * the pool (on SQLite the pool's one connection is held by that transaction), and
   * never write. Absent in the conformance suite's histories: a rule then says nothing.
   */
  readonly connection?: Queryable;
  /** Attempts (assessed confirms, blocked ones included) since `since`, and their total in `currency`. */
  attempts(key: HistoryKey, since: number, cap: number, currency: string): Promise<{ count: number; amount: number }>;
  /** Attempts with this card the bank declined since `since`. */
  declines(cardFingerprint: string, since: number, cap: number): Promise<number>;
  /**
   * Attempts with this card since `since` that the bank declined, and those still
   * waiting for the bank's answer (outcome `pending`: in flight, or unknown until the
   * reconciler asks), counting at most `cap` of both together.
   */
  cardOutcomes(cardFingerprint: string, since: number, cap: number): Promise<{ declined: number; pending: number }>;
  /** Attempts from `ip` for at most `maxAmount` (in `currency`) since `since`. */
  smallAttempts(ip: string, currency: string, maxAmount: number, since: number, cap: number): Promise<number>;
  /** Distinct cards other than `exceptCard` used from `ip` since `since` (looking at `cap` attempts at most). */
  distinctCards(ip: string, exceptCard: string, since: number, cap: number): Promise<number>;
  /** Mean amount of the merchant's last `sample` approved attempts in `currency` since `since`. */
  usualAmount(currency: string, since: number, sample: number): Promise<{ average: number; samples: number }>;
}

/**
 * A rule's finding. `score` adds to the payment's total (negative lowers it);
 * `verdict` overrides the total: a block-list match blocks whatever the score, an
 * allow-list match allows unless something forces a block.
 */
export interface RiskSignal {
  readonly score: number;
  readonly reason: string;
  readonly verdict?: 'allow' | 'block';
}

/**
 * EXTENSION POINT: one risk rule of transaction monitoring. Looked up by its unique
 * `code`; its settings live in the rule sets (`/admin/v1/risk/rules` for the
 * operator, `/v1/risk/rules` per merchant) under `rules.<code>`, next to the
 * common `enabled` and `mode` (`enforce` | `dry_run`) the engine handles itself.
 *
 * @example
 * ```ts
 * interface NightSettings { score: number; from_hour: number; to_hour: number }
 * export class NightOwlRule implements RiskRule<NightSettings> {
 *   readonly code = 'night_owl';
 *   readonly defaults = { score: 20, from_hour: 1, to_hour: 5 };
 *   readonly settingsSchema = z.object({ score: z.number().int(), from_hour: z.number().int().min(0).max(23), to_hour: z.number().int().min(0).max(23) }).partial().strict();
 *   async evaluate(input: RiskInput, s: NightSettings): Promise<RiskSignal | undefined> {
 *     const hour = new Date(input.now).getUTCHours();
 *     return hour >= s.from_hour && hour < s.to_hour ? { score: s.score, reason: `attempt at ${hour}h UTC` } : undefined;
 *   }
 * }
 * // in a plugin's setup(ctx): ctx.registerRiskRule(new NightOwlRule());
 * ```
 */
export interface RiskRule<S extends object = object> {
  readonly code: string;
  /** Settings a fresh install uses; a rule set overrides them field by field. */
  readonly defaults: S;
  /** Validates what an API caller may set for this rule (every field optional, unknown keys refused). */
  readonly settingsSchema: z.ZodType<Partial<S>>;
  /** How operator-wide and per-merchant settings combine; default: the merchant's fields win. */
  combine?(operator: Partial<S>, merchant: Partial<S>): Partial<S>;
  /** A signal when the rule fires, undefined when it has nothing to say. Must not write. */
  evaluate(input: RiskInput, settings: S, history: RiskHistory): Promise<RiskSignal | undefined>;
}
