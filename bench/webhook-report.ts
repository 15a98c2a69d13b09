import { ScenarioRow, WebhookFigures } from './scenarios/scenario';

/** The webhooks scenario's pair of rows: payments without endpoints, then with. */
export interface WebhookComparison {
  readonly baseline: ScenarioRow | undefined;
  readonly withWebhooks: (ScenarioRow & { readonly webhooks: WebhookFigures }) | undefined;
  /** 1 - throughput with webhooks / throughput without; undefined when either is missing. */
  readonly cost: number | undefined;
}

export function webhookComparison(rows: readonly ScenarioRow[]): WebhookComparison {
  const measured = rows.filter((r) => r.scenario === 'webhooks' && r.status === 'measured' && r.throughput !== undefined);
  const baseline = measured.find((r) => r.webhooks === undefined);
  const found = measured.find((r) => r.webhooks !== undefined);
  const withWebhooks = found?.webhooks === undefined ? undefined : { ...found, webhooks: found.webhooks };
  const cost = baseline?.throughput === undefined || withWebhooks?.throughput === undefined || baseline.throughput === 0 ? undefined : 1 - withWebhooks.throughput / baseline.throughput;
  return { baseline, withWebhooks, cost };
}

/**
 * The backlog is flat when, at the end of the load, no more is pending than two
 * seconds of events: delivery kept up with the rate events were written.
 */
export function backlogIsFlat(w: WebhookFigures): boolean {
  return w.backlogAtLoadEnd <= Math.max(2 * w.eventsPerS, 50);
}

/** Issue 24 item 5's targets, from the webhooks scenario's rows. */
export function webhookTargets(rows: readonly ScenarioRow[]): Array<{ target: string; verdict: 'met' | 'missed' | 'not measured'; detail: string }> {
  const { withWebhooks, baseline, cost } = webhookComparison(rows);
  const target = 'webhooks: backlog flat, lag p99 <= 5 s, cost <= 10% of throughput';
  if (withWebhooks === undefined || baseline === undefined || cost === undefined) return [{ target, verdict: 'not measured', detail: 'scenario 7 did not run' }];
  const w = withWebhooks.webhooks;
  const ok = backlogIsFlat(w) && w.lagP99Ms <= 5000 && cost <= 0.1 && w.undelivered === 0;
  return [{ target, verdict: ok ? 'met' : 'missed', detail: webhookSummary(w, cost, withWebhooks.throughput, baseline.throughput) }];
}

export function webhookSummary(w: WebhookFigures, cost?: number, withRate?: number, withoutRate?: number): string {
  const costText = cost === undefined ? '' : `; cost ${(cost * 100).toFixed(1)}% (${(withRate ?? 0).toFixed(0)} vs ${(withoutRate ?? 0).toFixed(0)} payments/s without endpoints)`;
  const drain = w.drainS === null ? `not drained in the wait (${w.undelivered} undelivered)` : `drained ${w.drainS.toFixed(1)} s after the load`;
  const trend = w.backlog.map((b) => `${b.s}s:${b.pending}`).join(' ');
  return `${w.eventsPerS.toFixed(0)} events/s; backlog ${backlogIsFlat(w) ? 'flat' : 'GROWING'} (at load end ${w.backlogAtLoadEnd}, max ${w.backlogMaxMeasured}; ${trend}); lag p50 ${ms(w.lagP50Ms)} p99 ${ms(w.lagP99Ms)} max ${ms(w.lagMaxMs)}; ${(w.deliveredByLoadEnd * 100).toFixed(0)}% delivered by load end; ${drain}; duplicates ${w.duplicates} (concurrent ${w.concurrentDuplicates})${costText}`;
}

function ms(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`;
}
