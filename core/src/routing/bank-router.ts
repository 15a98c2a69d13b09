import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '../db/database';
import { TenderError } from '../errors/tender-error';
import { MerchantContext } from '../merchants/merchant-context';
import { BankConnectionTerms } from '../banks/bank-adapter';
import { BankRegistry } from '../banks/bank-registry';
import { BankConnectionRepository, connectionTerms } from '../banks/bank-connection';
import { ConnectionHealth } from './connection-health';
import { RoutingRuleRepository } from './routing-rule.repository';
import { PaymentFacts } from './routing-rules';
import { planRoute } from './route-planner';
import { PaymentAttemptRepository } from './payment-attempt.repository';

/** The adapter that serves every test-mode payment. */
export const SANDBOX_ADAPTER_CODE = 'sandbox';

export interface RoutedConnection {
  readonly adapterCode: string;
  readonly terms: BankConnectionTerms;
  /** Why this connection was chosen, kept with the attempt. */
  readonly reason: string;
}

/** One candidate of a payment's route: a connection (none for the sandbox) and why it is there. */
export interface RouteCandidate extends RoutedConnection {
  readonly connectionId: string | undefined;
  readonly bankCode: string;
}

/**
 * Picks the bank connections for a payment. Test mode goes to the sandbox and
 * nothing else. Live mode orders the merchant's active connections by the routing
 * rules (merchant overrides, then operator defaults), leaves out connections
 * whose adapter is not installed or whose circuit breaker is open, and refuses
 * with `no_bank_connection` when nothing is left.
 *
 * @example
 * ```ts
 * const plan = await router.plan(ctx, { paymentMethod: 'card', brand: 'visa', bin: '424242', currency: 'RUB', amount: 1000 });
 * ```
 */
@injectable()
export class BankRouter {
  /** Draws weighted splits; replaced in tests by a seeded generator. */
  random: () => number = Math.random;

  constructor(
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(DATABASE) private readonly db: Database,
    @inject(BankConnectionRepository) private readonly connections: BankConnectionRepository,
    @inject(RoutingRuleRepository) private readonly rules: RoutingRuleRepository,
    @inject(ConnectionHealth) private readonly health: ConnectionHealth,
    @inject(PaymentAttemptRepository) private readonly attempts: PaymentAttemptRepository,
  ) {}

  /**
   * The connection terms (bank merchant id, terminal id) for a request that follows
   * the authorization `authorizationId`: the terms of the connection that
   * authorization went through, so a capture, void, refund or inquiry reaches the
   * same terminal. Test mode: the sandbox.
   */
  async termsForFollowUp(payment: { merchantId: string; livemode: boolean }, authorizationId: string): Promise<BankConnectionTerms> {
    if (!payment.livemode) return this.route(payment).terms;
    const ctx = { merchantId: payment.merchantId, livemode: payment.livemode };
    const connectionId = await this.attempts.connectionOf(this.db, ctx, authorizationId);
    const connection = connectionId === undefined ? undefined : await this.connections.find(this.db, ctx, connectionId);
    return connection === undefined ? { bankMerchantId: undefined, terminalId: undefined } : connectionTerms(connection);
  }

  async plan(ctx: MerchantContext, facts: PaymentFacts): Promise<RouteCandidate[]> {
    if (!ctx.livemode) return [{ ...this.route(ctx), connectionId: undefined, bankCode: SANDBOX_ADAPTER_CODE }];
    const [connections, merchant, operator] = await Promise.all([
      this.connections.listActive(this.db, ctx),
      this.rules.current(this.db, { kind: 'merchant', merchantId: ctx.merchantId, livemode: ctx.livemode }),
      this.rules.current(this.db, { kind: 'operator' }),
    ]);
    const planned = planRoute(facts, connections, [{ label: 'merchant', version: merchant }, { label: 'operator', version: operator }], this.random);
    const candidates = planned
      .filter((p) => this.banks.has(p.connection.adapterCode) && this.health.state(p.connection.id) !== 'open')
      .map((p) => ({ adapterCode: p.connection.adapterCode, terms: connectionTerms(p.connection), reason: p.reason, connectionId: p.connection.id, bankCode: p.connection.bankCode }));
    if (candidates.length === 0) {
      throw new TenderError('no_bank_connection', { message: planned.length === 0 ? 'No live bank connection of this merchant can serve this payment.' : 'Every bank connection that could serve this payment is unavailable (circuit open).' });
    }
    return candidates;
  }

  /**
   * The connection terms for a follow-up (capture, void, refund, inquiry). Test
   * mode: the sandbox. Live mode: no terms here; adapters take the terminal and
   * merchant ids from the authorization they follow (the ISO 8583 adapter keeps
   * them in its journal).
   */
  route(payment: { livemode: boolean }): RoutedConnection {
    if (!payment.livemode) {
      if (!this.banks.has(SANDBOX_ADAPTER_CODE)) throw new TenderError('no_bank_connection', { message: 'The sandbox bank adapter is not installed (TENDER_PLUGINS).' });
      return { adapterCode: SANDBOX_ADAPTER_CODE, terms: { bankMerchantId: undefined, terminalId: undefined }, reason: 'test mode uses the sandbox bank' };
    }
    return { adapterCode: '', terms: { bankMerchantId: undefined, terminalId: undefined }, reason: 'live follow-ups use the terms of the original authorization' };
  }
}
