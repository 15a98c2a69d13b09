import { inject, injectable } from 'tsyringe';
import { BankCatalogueService, BreakerState, ConnectionHealth, DATABASE, Database } from '@tender/core';

export interface ConnectionHealthRow {
  readonly connectionId: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly terminalId: string;
  readonly status: string;
  readonly state: BreakerState;
  readonly calls: number;
  readonly failures: number;
  /** Failed calls per thousand over the breaker's window. */
  readonly errorPerMille: number;
  readonly averageLatencyMs: number | undefined;
}

export interface BankHealthRow {
  readonly code: string;
  readonly name: string;
  readonly adapterCode: string;
  readonly status: string;
  readonly currencies: readonly string[];
  readonly connections: readonly ConnectionHealthRow[];
  readonly calls: number;
  readonly errorPerMille: number;
  /** Call-weighted over the connections that have calls. */
  readonly averageLatencyMs: number | undefined;
  /** The worst breaker among the bank's connections: open > half_open > closed. */
  readonly state: BreakerState;
  readonly openBreakers: number;
}

const SEVERITY: Readonly<Record<BreakerState, number>> = { closed: 0, half_open: 1, open: 2 };

/**
 * Each bank in the operator's catalogue with the health of its connections (error
 * rate, latency, breaker state) as ConnectionHealth — the same breaker routing
 * uses — sees them. Health is per gateway process, so the screen shows what the
 * process serving the page has learned from its own calls.
 *
 * @example
 * ```ts
 * const banks = await summary.banks();
 * banks[0].state; // 'open' when any of the bank's connections is skipped by routing
 * ```
 */
@injectable()
export class BankHealthSummary {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(BankCatalogueService) private readonly catalogue: BankCatalogueService,
    @inject(ConnectionHealth) private readonly health: ConnectionHealth,
  ) {}

  async banks(): Promise<BankHealthRow[]> {
    const banks = await this.catalogue.list(this.db, undefined);
    // The operator sees every merchant's connections: this is the one screen that spans tenants on purpose.
    const rows = (await this.db('bank_connections')
      .select('id', 'merchant_id', 'livemode', 'bank_code', 'terminal_id', 'status')
      .orderBy([{ column: 'bank_code' }, { column: 'created_at' }, { column: 'id' }])) as Array<Record<string, unknown>>;
    return banks.map((bank) => {
      const connections = rows.filter((r) => r.bank_code === bank.code).map((r) => this.connectionRow(r));
      return {
        code: bank.code,
        name: bank.name,
        adapterCode: bank.adapterCode,
        status: bank.status,
        currencies: bank.currencies,
        connections,
        ...aggregate(connections),
      };
    });
  }

  private connectionRow(r: Record<string, unknown>): ConnectionHealthRow {
    const id = String(r.id);
    const view = this.health.view(id);
    return {
      connectionId: id,
      merchantId: String(r.merchant_id),
      livemode: Boolean(r.livemode),
      terminalId: String(r.terminal_id),
      status: String(r.status),
      state: view.state,
      calls: view.calls,
      failures: Math.round(view.errorRate * view.calls),
      errorPerMille: Math.round(view.errorRate * 1000),
      averageLatencyMs: view.averageLatencyMs,
    };
  }
}

function aggregate(
  connections: readonly ConnectionHealthRow[],
): Pick<BankHealthRow, 'calls' | 'errorPerMille' | 'averageLatencyMs' | 'state' | 'openBreakers'> {
  const calls = connections.reduce((s, c) => s + c.calls, 0);
  const failures = connections.reduce((s, c) => s + c.failures, 0);
  const timed = connections.filter((c) => c.averageLatencyMs !== undefined && c.calls > 0);
  const timedCalls = timed.reduce((s, c) => s + c.calls, 0);
  const state = connections.reduce<BreakerState>((worst, c) => (SEVERITY[c.state] > SEVERITY[worst] ? c.state : worst), 'closed');
  return {
    calls,
    errorPerMille: calls === 0 ? 0 : Math.round((failures / calls) * 1000),
    averageLatencyMs: timedCalls === 0 ? undefined : Math.round(timed.reduce((s, c) => s + (c.averageLatencyMs ?? 0) * c.calls, 0) / timedCalls),
    state,
    openBreakers: connections.filter((c) => c.state !== 'closed').length,
  };
}
