/**
 * Messages between the harness and the load-generator process (over the fork IPC
 * channel). The generator runs in its own process so that its CPU is not the
 * gateway's event loop; on a 2-core machine it still competes for the same cores.
 */
export interface LoadPlan {
  /** Which workload to run; see load/workloads.ts. */
  readonly workload: string;
  /** Base URLs; requests go to them round-robin (scale-out scenario: two gateways). */
  readonly targets: readonly string[];
  /**
   * Bearer secret keys: client i runs as the merchant of key i mod n. The payment
   * scenarios give each client its own merchant, as a gateway's traffic comes from
   * many shops; one shop paying with the same few sandbox cards dozens of times at
   * once would be card testing, which the risk rules stop (docs/performance.md).
   */
  readonly secretKeys: readonly string[];
  /** Number of clients, each running one unit of work after another. */
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Order ids start with this, so the correctness check finds this run's payments. */
  readonly orderPrefix: string;
  /** The page a `page-view` workload GETs (scenario 3): a payment's /pay/:token, or the floor's static copy. */
  readonly path?: string;
}

export interface LoadProgress {
  readonly type: 'progress';
  readonly phase: 'warmup' | 'measure' | 'drain';
  readonly elapsedMs: number;
  readonly totalMs: number;
  /** Units of work completed in the measure window so far. */
  readonly measured: number;
  readonly errors: number;
  /** Units per second over the last second. */
  readonly rate: number;
}

export interface LoadResult {
  readonly type: 'result';
  /** Units completed inside the measure window. */
  readonly measured: number;
  readonly measureMs: number;
  /** Latency of one unit (a payment: create + confirm), measured units only, in ms. */
  readonly unitP50: number;
  readonly unitP99: number;
  /** Latency of one HTTP request (create or confirm alike), measured window only, in ms. */
  readonly requestP50: number;
  readonly requestP99: number;
  readonly requestMax: number;
  /** Whole run, warm-up and drain included: what the database must agree with. */
  readonly totals: { readonly created2xx: number; readonly completed2xx: number; readonly errors: number };
  /** The first few error descriptions, for the report. */
  readonly errorSamples: readonly string[];
}

export type LoadMessage = LoadProgress | LoadResult | { readonly type: 'failed'; readonly message: string };
