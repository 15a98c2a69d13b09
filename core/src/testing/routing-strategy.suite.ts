import { isDeepStrictEqual } from 'node:util';
import { ineligibility, unusableBecause } from '../routing/routing-eligibility';
import type { RoutingConnection, RoutingDecision, RoutingInput, RoutingStrategy } from '../routing/routing-strategy';
import { ConformanceReport, ReportBuilder } from './conformance-report';

/** A strategy under test. */
export interface RoutingStrategySubject {
  readonly strategy: RoutingStrategy;
}

const MERCHANT = { id: 'mer_conformance', livemode: true } as const;
const HEALTHY = { state: 'closed', errorRate: 0, calls: 0, averageLatencyMs: undefined } as const;

function connection(id: string, over: Partial<RoutingConnection> = {}): RoutingConnection {
  return {
    id,
    merchantId: MERCHANT.id,
    livemode: true,
    bankCode: id.replace(/^bcn_/, ''),
    adapterCode: 'conformance',
    currencies: ['RUB'],
    status: 'active',
    createdAt: 1_000,
    adapterInstalled: true,
    capabilities: ['card_authorization'],
    health: HEALTHY,
    ...over,
  };
}

/**
 * The connections the suite offers, unusable ones first and oldest: a strategy that
 * takes the input order, or "oldest first", without looking at health, merchant,
 * mode, status or capability puts one of them first.
 */
function fixtures(): RoutingConnection[] {
  return [
    connection('bcn_foreign', { merchantId: 'mer_someone_else', createdAt: 1 }),
    connection('bcn_testmode', { livemode: false, createdAt: 2 }),
    connection('bcn_disabled', { status: 'disabled', createdAt: 3 }),
    connection('bcn_failing', { health: { state: 'open', errorRate: 0.9, calls: 20, averageLatencyMs: 900 }, createdAt: 4 }),
    connection('bcn_uninstalled', { adapterInstalled: false, capabilities: [], createdAt: 5 }),
    connection('bcn_accounts', { capabilities: ['account_debit'], createdAt: 6 }),
    connection('bcn_dollars', { currencies: ['USD'], createdAt: 7 }),
    connection('bcn_probing', { health: { state: 'half_open', errorRate: 0.6, calls: 20, averageLatencyMs: 300 }, createdAt: 8 }),
    connection('bcn_healthy', { createdAt: 9 }),
  ];
}

function input(connections: readonly RoutingConnection[], over: { reference?: string; amount?: number } = {}): RoutingInput {
  return {
    payment: { reference: over.reference ?? 'pay_conformance_1', amount: over.amount ?? 10_000, currency: 'RUB' },
    method: { type: 'card', capability: 'card_authorization', brand: 'visa', bin: '424242' },
    merchant: MERCHANT,
    connections,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The inputs every check runs over: the full set, each usable one alone among unusable ones, and several payments. */
function scenarios(): Array<{ name: string; input: RoutingInput }> {
  const all = fixtures();
  const unusable = all.filter((c) => unusableBecause(c, input(all)) !== undefined);
  return [
    { name: 'all connections', input: input(all) },
    { name: 'only the healthy one usable', input: input([...unusable, connection('bcn_healthy', { createdAt: 99 })]) },
    {
      name: 'only the half-open one usable',
      input: input([
        ...unusable,
        connection('bcn_probing', { health: { state: 'half_open', errorRate: 0.6, calls: 20, averageLatencyMs: 300 }, createdAt: 99 }),
      ]),
    },
    { name: 'another payment', input: input(all, { reference: 'pay_conformance_2', amount: 1 }) },
    { name: 'a large payment', input: input(all, { reference: 'pay_conformance_3', amount: 99_999_999_999 }) },
  ];
}

/**
 * Checks a RoutingStrategy: it never offers a connection of another merchant or
 * mode (nor one it was not given), never puts an unusable connection (disabled,
 * breaker open, adapter missing, wrong capability or currency) first while a usable
 * one exists, answers the same input the same way, gives a reason for every
 * connection it chose or skipped and accounts for each once, skips each with the
 * kind the gateway would give (`ineligibility`, else `not_chosen`), leaves its
 * input unchanged, and answers "no candidates" without throwing.
 *
 * @example
 * ```ts
 * import { assertConforms, checkRoutingStrategy } from '@tender/core/testing';
 * it('conforms', async () => assertConforms(await checkRoutingStrategy({ strategy: new LowestLatencyStrategy() })));
 * ```
 */
export async function checkRoutingStrategy(subject: RoutingStrategySubject): Promise<ConformanceReport> {
  const { strategy } = subject;
  const r = new ReportBuilder('RoutingStrategy', strategy.name);
  const answers = new Map<string, RoutingDecision>();
  const answer = async (name: string, given: RoutingInput): Promise<RoutingDecision> => {
    const cached = answers.get(name);
    if (cached !== undefined) return cached;
    const decision = await strategy.route(deepFreeze(given));
    answers.set(name, decision);
    return decision;
  };

  await r.check('has a name', (problem) => {
    if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(strategy.name)) problem(`name '${strategy.name}' is not 1 to 64 lowercase letters, digits, ., - or _`);
  });

  await r.check('answers with candidates and skipped connections, each with a reason', async (problem) => {
    for (const s of scenarios()) {
      const d = await answer(s.name, s.input);
      if (!Array.isArray(d.candidates) || !Array.isArray(d.skipped)) {
        problem(`${s.name}: the decision needs candidates and skipped arrays`);
        continue;
      }
      for (const entry of [...d.candidates, ...d.skipped]) {
        if (typeof entry.reason !== 'string' || entry.reason.trim() === '') problem(`${s.name}: ${entry.connectionId} has no reason`);
        else if (entry.reason.length > 500) problem(`${s.name}: ${entry.connectionId}'s reason is longer than 500 characters (attempts keep 500)`);
      }
    }
  });

  await r.check('says why it skipped each connection with the kind the gateway would give', async (problem) => {
    for (const s of scenarios()) {
      const d = await answer(s.name, s.input);
      for (const skip of d.skipped ?? []) {
        const given = s.input.connections.find((x) => x.id === skip.connectionId);
        if (given === undefined) continue;
        // Callers act on the kind (a payment method no bank can serve is refused as such), so it must be the fact.
        const expected = ineligibility(given, s.input)?.kind ?? 'not_chosen';
        if (skip.kind !== expected) problem(`${s.name}: skipped ${skip.connectionId} as '${String(skip.kind)}', not '${expected}'`);
      }
    }
  });

  await r.check('never offers a connection of another merchant or mode, or one it was not given', async (problem) => {
    for (const s of scenarios()) {
      const d = await answer(s.name, s.input);
      for (const c of d.candidates ?? []) {
        const given = s.input.connections.find((x) => x.id === c.connectionId);
        if (given === undefined) problem(`${s.name}: offered ${c.connectionId}, which it was not given`);
        else if (given.merchantId !== s.input.merchant.id || given.livemode !== s.input.merchant.livemode)
          problem(`${s.name}: offered ${c.connectionId} of another merchant or mode`);
      }
    }
  });

  await r.check('puts a usable connection first whenever one exists', async (problem) => {
    for (const s of scenarios()) {
      const d = await answer(s.name, s.input);
      // Offering nothing is a strategy's right (a rule may exclude every bank); offering a bad first choice is not.
      const first = s.input.connections.find((c) => c.id === d.candidates?.[0]?.connectionId);
      if (first === undefined) continue;
      const why = unusableBecause(first, s.input);
      if (why !== undefined) problem(`${s.name}: first choice ${first.id} is unusable (${why})`);
    }
  });

  await r.check('accounts for every connection it was given exactly once', async (problem) => {
    for (const s of scenarios()) {
      const d = await answer(s.name, s.input);
      const seen = [...(d.candidates ?? []), ...(d.skipped ?? [])].map((e) => e.connectionId);
      for (const c of s.input.connections) {
        const n = seen.filter((id) => id === c.id).length;
        if (n !== 1) problem(`${s.name}: ${c.id} appears ${n} times among candidates and skipped`);
      }
    }
  });

  await r.check('answers the same input the same way', async (problem) => {
    for (const s of scenarios()) {
      const first = await answer(s.name, s.input);
      const again = await strategy.route(deepFreeze(structuredClone(s.input)));
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(again)), JSON.parse(JSON.stringify(first))))
        problem(`${s.name}: a second call with the same input answered differently`);
    }
  });

  await r.check('leaves its input unchanged', async (problem) => {
    const given = input(fixtures());
    const before = JSON.stringify(given);
    await strategy.route(given);
    if (JSON.stringify(given) !== before) problem('the input was changed');
  });

  await r.check('answers no candidates, without throwing, when nothing can serve the payment', async (problem) => {
    const none = await strategy.route(deepFreeze(input([])));
    if (none.candidates.length !== 0 || none.skipped.length !== 0) problem('with no connections the decision must be empty');
    const all = fixtures();
    const onlyUnusable = input(all.filter((c) => unusableBecause(c, input(all)) !== undefined));
    const d = await strategy.route(deepFreeze(onlyUnusable));
    if (!Array.isArray(d.candidates)) problem('with only unusable connections the decision needs a candidates array');
  });

  return r.report();
}
