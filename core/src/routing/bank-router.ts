import { capabilitiesOf } from '../methods/bank-capability';
import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '../db/database';
import { TenderError } from '../errors/tender-error';
import { MerchantContext } from '../merchants/merchant-context';
import { BankConnectionTerms } from '../banks/bank-adapter';
import { BankRegistry } from '../banks/bank-registry';
import { BankConnection, BankConnectionRepository, connectionTerms } from '../banks/bank-connection';
import { ConnectionHealth } from './connection-health';
import { PaymentFacts } from './routing-rules';
import { PaymentAttemptRepository } from './payment-attempt.repository';
import { ineligibility } from './routing-eligibility';
import { BankCapability, RoutingConnection, RoutingInput, RoutingSkipKind } from './routing-strategy';
import { RoutingStrategyRegistry } from './routing-strategy.registry';

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

/** What routing is asked about one payment: its facts, and the reference weighted splits draw from. */
export interface RouteRequest extends PaymentFacts {
  /** The payment's id (a dry run: any stable text). */
  readonly reference: string;
  /** Default: what the payment method's type needs (METHOD_CAPABILITIES). */
  readonly capability?: BankCapability;
}

/** The whole answer for one payment, as the explain endpoint and the console's tester show it. */
export interface RouteExplanation {
  readonly strategy: string;
  readonly livemode: boolean;
  readonly candidates: readonly RouteCandidate[];
  readonly skipped: readonly RouteSkip[];
}

/** A connection left out of a payment's route: why as data (RoutingSkipKind) and in words. */
export interface RouteSkip {
  readonly connectionId: string;
  readonly bankCode: string;
  readonly kind: RoutingSkipKind;
  readonly reason: string;
}

/**
 * The capability each built-in payment method needs. Until methods declare it
 * themselves (issue 17 item 3), an unknown type needs card authorization.
 */
export const METHOD_CAPABILITIES: Readonly<Record<string, BankCapability>> = { card: 'card_authorization', account: 'account_debit' };

/**
 * Picks the bank connections for a payment. Test mode goes to the sandbox and
 * nothing else. Live mode offers the merchant's connections in that mode, each with
 * its health and its adapter's capabilities, to the active RoutingStrategy
 * (TENDER_ROUTING_STRATEGY, default `rules`), then refuses any candidate that could
 * not serve the payment whatever the strategy says (another merchant's or mode's,
 * disabled, adapter missing, breaker open), and answers `no_bank_connection` when
 * nothing is left.
 *
 * @example
 * ```ts
 * const plan = await router.plan(ctx, { reference: 'pay_1', paymentMethod: 'card', brand: 'visa', bin: '424242', currency: 'RUB', amount: 1000 });
 * ```
 */
@injectable()
export class BankRouter {
  constructor(
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(DATABASE) private readonly db: Database,
    @inject(BankConnectionRepository) private readonly connections: BankConnectionRepository,
    @inject(ConnectionHealth) private readonly health: ConnectionHealth,
    @inject(PaymentAttemptRepository) private readonly attempts: PaymentAttemptRepository,
    @inject(RoutingStrategyRegistry) private readonly strategies: RoutingStrategyRegistry,
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

  /** The candidates to try in order; `no_bank_connection` when there is none. */
  async plan(ctx: MerchantContext, request: RouteRequest): Promise<RouteCandidate[]> {
    const explanation = await this.explain(ctx, request);
    if (explanation.candidates.length === 0) {
      if (!ctx.livemode) this.route(ctx);
      const breakerOnly = explanation.skipped.some((s) => s.kind === 'breaker_open');
      throw new TenderError('no_bank_connection', {
        message: breakerOnly
          ? 'Every bank connection that could serve this payment is unavailable (circuit open).'
          : 'No live bank connection of this merchant can serve this payment.',
      });
    }
    return [...explanation.candidates];
  }

  /**
   * What routing would do with this payment now, without creating or sending
   * anything: the active strategy's candidates in order and every connection left
   * out, each with its reason.
   */
  async explain(ctx: MerchantContext, request: RouteRequest): Promise<RouteExplanation> {
    const strategy = this.strategies.active();
    if (!ctx.livemode) {
      const candidates = this.banks.has(SANDBOX_ADAPTER_CODE) ? [{ ...this.route(ctx), connectionId: undefined, bankCode: SANDBOX_ADAPTER_CODE }] : [];
      return { strategy: strategy.name, livemode: false, candidates, skipped: [] };
    }
    const stored = await this.connections.list(this.db, ctx);
    const input: RoutingInput = {
      payment: { reference: request.reference, amount: request.amount, currency: request.currency },
      method: {
        type: request.paymentMethod,
        capability: request.capability ?? METHOD_CAPABILITIES[request.paymentMethod] ?? 'card_authorization',
        brand: request.brand,
        bin: request.bin,
      },
      merchant: { id: ctx.merchantId, livemode: ctx.livemode },
      connections: stored.map((c) => this.routingConnection(c)),
    };
    const decision = await strategy.route(input);
    const byId = new Map(stored.map((c, i) => [c.id, { stored: c, routing: input.connections[i] }]));
    const offered = new Set<string>();
    const candidates: RouteCandidate[] = [];
    const skipped: RouteSkip[] = [];
    for (const choice of decision.candidates) {
      const known = byId.get(choice.connectionId);
      if (known === undefined || offered.has(choice.connectionId)) continue;
      const connection = known.stored;
      offered.add(connection.id);
      // A plugin's strategy orders; it never widens what a payment may reach.
      const why = ineligibility(known.routing, input);
      if (why !== undefined) {
        skipped.push({
          connectionId: connection.id,
          bankCode: connection.bankCode,
          kind: why.kind,
          reason: why.kind === 'breaker_open' ? why.reason : `refused by the gateway: ${why.reason}`,
        });
        continue;
      }
      candidates.push({
        adapterCode: connection.adapterCode,
        terms: connectionTerms(connection),
        reason: choice.reason,
        connectionId: connection.id,
        bankCode: connection.bankCode,
      });
    }
    for (const skip of decision.skipped) {
      const known = byId.get(skip.connectionId);
      if (known === undefined || offered.has(skip.connectionId)) continue;
      const connection = known.stored;
      offered.add(connection.id);
      // The kind is checked, not trusted: what the gateway itself finds wrong with the
      // connection, else the strategy's own choice (callers decide on the kind).
      const kind = ineligibility(known.routing, input)?.kind ?? 'not_chosen';
      skipped.push({ connectionId: connection.id, bankCode: connection.bankCode, kind, reason: skip.reason });
    }
    for (const connection of stored) {
      if (!offered.has(connection.id))
        skipped.push({ connectionId: connection.id, bankCode: connection.bankCode, kind: 'not_offered', reason: `not offered by strategy '${strategy.name}'` });
    }
    return { strategy: strategy.name, livemode: true, candidates, skipped };
  }

  private routingConnection(c: BankConnection): RoutingConnection {
    const installed = this.banks.has(c.adapterCode);
    const view = this.health.view(c.id);
    return {
      id: c.id,
      merchantId: c.merchantId,
      livemode: c.livemode,
      bankCode: c.bankCode,
      adapterCode: c.adapterCode,
      currencies: c.currencies,
      status: c.status,
      createdAt: c.createdAt,
      adapterInstalled: installed,
      capabilities: installed ? [...capabilitiesOf(this.banks.get(c.adapterCode))] : [],
      health: { state: view.state, errorRate: view.errorRate, calls: view.calls, averageLatencyMs: view.averageLatencyMs },
    };
  }

  /**
   * The connection terms for a follow-up (capture, void, refund, inquiry). Test
   * mode: the sandbox. Live mode: no terms here; adapters take the terminal and
   * merchant ids from the authorization they follow (the ISO 8583 adapter keeps
   * them in its journal).
   */
  route(payment: { livemode: boolean }): RoutedConnection {
    if (!payment.livemode) {
      if (!this.banks.has(SANDBOX_ADAPTER_CODE))
        throw new TenderError('no_bank_connection', { message: 'The sandbox bank adapter is not installed (TENDER_PLUGINS).' });
      return { adapterCode: SANDBOX_ADAPTER_CODE, terms: { bankMerchantId: undefined, terminalId: undefined }, reason: 'test mode uses the sandbox bank' };
    }
    return {
      adapterCode: '',
      terms: { bankMerchantId: undefined, terminalId: undefined },
      reason: 'live follow-ups use the terms of the original authorization',
    };
  }
}
