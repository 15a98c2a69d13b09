import { ScenarioRow, WebhookFigures } from './scenarios/scenario';

/**
 * The webhooks scenario's rows: runs with endpoints (the backlog and the lag), and the
 * payment rates without and with endpoints that the cost compares.
 */
export interface WebhookComparison {
  /** Mean throughput of the runs without endpoints (those measured in turns, when there are). */
  readonly baselineRate: number | undefined;
  /** Mean throughput of the runs with endpoints (those measured in turns, when there are). */
  readonly withRate: number | undefined;
  /** Turns each of the compared runs took; undefined: whole runs, one after the other. */
  readonly costTurns: number | undefined;
  /** The run with endpoints whose lag p99 was the worst: the one the verdict is judged on. */
  readonly worst: (ScenarioRow & { readonly webhooks: WebhookFigures }) | undefined;
  /** Every run with endpoints. */
  readonly withRows: ReadonlyArray<ScenarioRow & { readonly webhooks: WebhookFigures }>;
  /** 1 - mean throughput with webhooks / mean without; undefined when either is missing. */
  readonly cost: number | undefined;
}

/**
 * Where the runs' dispatcher ran: in the serving gateway process (the default) or in
 * `tender worker` processes beside gateways with `TENDER_WEBHOOK_DISPATCHER=false`.
 */
export type DispatcherPlace = 'gateway' | 'worker';

function dispatcherPlace(row: ScenarioRow): DispatcherPlace {
  return (row.workers ?? 0) > 0 ? 'worker' : 'gateway';
}

/**
 * The places scenario 7 runs the dispatcher in, from `BENCH_WEBHOOK_DISPATCHERS`
 * (comma-separated `gateway` and/or `worker`; unset: `gateway`). Anything else is
 * refused before a run starts.
 *
 * @example
 * ```ts
 * dispatcherPlaces('gateway,worker'); // ['gateway', 'worker']
 * ```
 */
export function dispatcherPlaces(value: string | undefined): DispatcherPlace[] {
  const named = (value ?? 'gateway').split(',').map((p) => p.trim());
  const places = named.filter((p): p is DispatcherPlace => p === 'gateway' || p === 'worker');
  if (places.length < named.length) throw new Error(`BENCH_WEBHOOK_DISPATCHERS takes gateway and/or worker, comma-separated (got '${value ?? ''}')`);
  return [...new Set(places)];
}

/**
 * How many continuous runs with endpoints scenario 7 measures (`BENCH_WEBHOOK_ROUNDS`,
 * default 1; 0 runs only the cost pair and the drain). Digits only: `Number` would take
 * '' as 0, '1e1' as 10 and '0x2' as 2.
 *
 * @example
 * ```ts
 * webhookRounds(undefined); // 1
 * webhookRounds('3'); // 3
 * ```
 */
export function webhookRounds(value: string | undefined): number {
  const text = value ?? '1';
  if (!/^\d{1,3}$/.test(text)) throw new Error(`BENCH_WEBHOOK_ROUNDS must be a whole number from 0 to 999 (got '${text}')`);
  return Number(text);
}

/** The comparison of the rows whose dispatcher ran in `place` (the serving process unless named). */
export function webhookComparison(rows: readonly ScenarioRow[], place: DispatcherPlace = 'gateway'): WebhookComparison {
  const measured = rows.filter((r) => r.scenario === 'webhooks' && r.status === 'measured' && r.throughput !== undefined && dispatcherPlace(r) === place);
  const mean = (xs: readonly ScenarioRow[]): number | undefined => (xs.length === 0 ? undefined : xs.reduce((a, r) => a + (r.throughput ?? 0), 0) / xs.length);
  const withRows = measured.flatMap((r) => (r.webhooks === undefined ? [] : [{ ...r, webhooks: r.webhooks }]));
  // The cost compares the pair measured in turns when it ran (the machine's drift falls
  // on both alike); otherwise whole runs without and with endpoints.
  const inTurns = measured.filter((r) => r.turns !== undefined && r.webhookEndpoints !== undefined);
  const compared = inTurns.length > 0 ? inTurns : measured;
  // The drain row counts deliveries, not payments: it is no baseline.
  const payments = compared.filter((r) => (r.unit ?? 'payment') === 'payment');
  const hasEndpoints = (r: ScenarioRow): boolean => (r.webhookEndpoints ?? (r.webhooks === undefined ? 0 : r.webhooks.endpoints)) > 0;
  const baselineRate = mean(payments.filter((r) => !hasEndpoints(r)));
  const withRate = mean(payments.filter(hasEndpoints));
  const costTurns = inTurns[0]?.turns;
  const worst = withRows.reduce<(typeof withRows)[number] | undefined>(
    (w, r) => (w === undefined || r.webhooks.lagP99Ms > w.webhooks.lagP99Ms ? r : w),
    undefined,
  );
  const cost = baselineRate === undefined || withRate === undefined || baselineRate === 0 ? undefined : 1 - withRate / baselineRate;
  return { baselineRate, withRate, costTurns, worst, withRows, cost };
}

/**
 * The backlog is flat when, at the end of the load, no more is pending than two
 * seconds of events: delivery kept up with the rate events were written.
 */
export function backlogIsFlat(w: WebhookFigures): boolean {
  return w.backlogAtLoadEnd <= Math.max(2 * w.eventsPerS, 50);
}

/**
 * Issue 24 item 5's targets, from the webhooks scenario's rows: judged for each place
 * the dispatcher ran (the serving process, `tender worker` processes), each on its own
 * runs; met when one of them meets all three, and the detail names both.
 */
export function webhookTargets(rows: readonly ScenarioRow[]): Array<{ target: string; verdict: 'met' | 'missed' | 'not measured'; detail: string }> {
  const target = 'webhooks: backlog flat, lag p99 <= 5 s, cost <= 10% of throughput';
  const places = (['gateway', 'worker'] as const).filter((place) =>
    rows.some((r) => r.scenario === 'webhooks' && (r.unit ?? 'payment') === 'payment' && dispatcherPlace(r) === place),
  );
  const judged = places.map((place) => ({ place, ...judgePlace(rows, place) }));
  if (judged.length === 0) return [{ target, verdict: 'not measured', detail: 'scenario 7 did not run' }];
  const verdict = judged.some((j) => j.verdict === 'met') ? 'met' : judged.some((j) => j.verdict === 'missed') ? 'missed' : 'not measured';
  const drain = rows.find((r) => r.scenario === 'webhooks' && r.status === 'measured' && r.unit === 'deliverie');
  const capacity = drain?.throughput === undefined ? '' : `; dispatcher capacity ${drain.throughput.toFixed(0)} deliveries/s draining a backlog`;
  const detail =
    judged.length === 1 && judged[0]?.place === 'gateway'
      ? (judged[0]?.detail ?? '')
      : judged
          .map((j) => `${j.place === 'gateway' ? 'dispatcher in the gateway process' : 'dispatcher in a tender worker'}: ${j.verdict}, ${j.detail}`)
          .join(' | ');
  return [{ target, verdict, detail: `${detail}${capacity}` }];
}

/** The verdict and its detail for the runs whose dispatcher ran in `place`. */
function judgePlace(rows: readonly ScenarioRow[], place: DispatcherPlace): { verdict: 'met' | 'missed' | 'not measured'; detail: string } {
  const { worst, withRows, baselineRate, withRate, costTurns, cost } = webhookComparison(rows, place);
  if (worst === undefined && cost !== undefined)
    return {
      verdict: 'not measured',
      detail: `no continuous run with endpoints (BENCH_WEBHOOK_ROUNDS=0): backlog and lag not measured; cost ${(cost * 100).toFixed(1)}%`,
    };
  if (worst === undefined || cost === undefined) return { verdict: 'not measured', detail: 'no pair of runs without and with endpoints' };
  const ok = cost <= 0.1 && withRows.every(({ webhooks: w }) => backlogIsFlat(w) && w.lagP99Ms <= 5000 && w.undelivered === 0);
  const runs = withRows.length === 1 ? '' : ` (the worst of ${withRows.length} runs)`;
  const how = costTurns === undefined ? '; cost over whole runs, one after the other' : `; cost measured in turns, ${costTurns} each`;
  return { verdict: ok ? 'met' : 'missed', detail: `${webhookSummary(worst.webhooks, cost, withRate, baselineRate)}${runs}${how}` };
}

export function webhookSummary(w: WebhookFigures, cost?: number, withRate?: number, withoutRate?: number): string {
  const costText =
    cost === undefined
      ? ''
      : `; cost ${(cost * 100).toFixed(1)}% (${(withRate ?? 0).toFixed(0)} vs ${(withoutRate ?? 0).toFixed(0)} payments/s without endpoints)`;
  const drain = w.drainS === null ? `not drained in the wait (${w.undelivered} undelivered)` : `drained ${w.drainS.toFixed(1)} s after the load`;
  const trend = w.backlog.map((b) => `${b.s}s:${b.pending}`).join(' ');
  return `${w.eventsPerS.toFixed(0)} events/s; backlog ${backlogIsFlat(w) ? 'flat' : 'GROWING'} (at load end ${w.backlogAtLoadEnd}, max ${w.backlogMaxMeasured}; ${trend}); lag p50 ${ms(w.lagP50Ms)} p99 ${ms(w.lagP99Ms)} max ${ms(w.lagMaxMs)}; ${(w.deliveredByLoadEnd * 100).toFixed(0)}% delivered by load end; ${drain}; duplicates ${w.duplicates} (concurrent ${w.concurrentDuplicates})${costText}`;
}

function ms(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`;
}
