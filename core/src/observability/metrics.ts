import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BankCallObserver, BankCallRecord } from '../banks/bank-call';

/**
 * Label values Tender writes come from code or from the operator (route patterns,
 * adapter codes, generated connection ids, payment statuses): never from a merchant
 * or a buyer. This is the last guard: anything outside a short, plain charset becomes
 * `other`, so a value that slipped through can neither carry card data nor blow up
 * the number of series.
 *
 * @example
 * ```ts
 * labelValue('bcn_1a2B'); // 'bcn_1a2B'
 * labelValue('4111 1111 1111 1111'); // 'other'
 * ```
 */
export function labelValue(value: string | undefined, fallback = 'none'): string {
  if (value === undefined || value === '') return fallback;
  return /^[A-Za-z0-9_.:/()*|-]{1,100}$/.test(value) && !/\d{12,}/.test(value) ? value : 'other';
}

/** Latency buckets (seconds): a fast API call to a slow bank's timeout. */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

let processRegistry: Registry | undefined;

/**
 * The process's default metrics (CPU, memory, event loop lag, GC, handles), kept in
 * one registry per process: they describe the process, and starting their
 * collectors once keeps test processes that build many gateways from piling them up.
 */
export function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * Every metric one gateway exposes at `/metrics` (docs/operations.md, "Monitoring"),
 * in its own registry: counters and histograms updated where things happen, gauges
 * filled at scrape time by `ScrapeGauges`. One instance per gateway (a singleton in
 * its container); the process metrics are added at scrape.
 *
 * @example
 * ```ts
 * metrics.confirmation({ status: 'succeeded', method: 'card', bank: 'sandbox' });
 * const text = await metrics.exposition();
 * ```
 */
export class TenderMetrics implements BankCallObserver {
  readonly registry = new Registry();

  readonly httpDuration = this.histogram('tender_http_request_duration_seconds', 'HTTP requests by method, route pattern and status code.', [
    'method',
    'route',
    'status',
  ]);
  readonly bankCalls = this.counter('tender_bank_calls_total', 'Calls to bank adapters by operation, adapter, connection and outcome.', [
    'operation',
    'adapter',
    'connection',
    'outcome',
  ]);
  readonly bankCallDuration = this.histogram('tender_bank_call_duration_seconds', 'Latency of calls to bank adapters by operation, adapter and connection.', [
    'operation',
    'adapter',
    'connection',
  ]);
  readonly confirmations = this.counter(
    'tender_payment_confirmations_total',
    'Confirmed payments by the status the confirmation left them in, payment method and bank.',
    ['status', 'method', 'bank'],
  );
  readonly webhookAttempts = this.counter('tender_webhook_attempts_total', 'Webhook delivery attempts by outcome (delivered, retry, failed, canceled).', [
    'outcome',
  ]);
  readonly emailSends = this.counter('tender_email_sends_total', 'E-mail send attempts by outcome (sent, retry, failed).', ['outcome']);

  /** One bank call's outcome and latency (called by callBank). */
  bankCall(record: BankCallRecord): void {
    const labels = {
      operation: labelValue(record.operation.replace(/ /g, '_')),
      adapter: labelValue(record.adapter),
      connection: labelValue(record.connection),
    };
    this.bankCalls.inc({ ...labels, outcome: labelValue(record.outcome) });
    this.bankCallDuration.observe(labels, record.seconds);
  }

  /** A confirmation's committed result. */
  confirmation(labels: { status: string; method: string; bank: string | undefined }): void {
    this.confirmations.inc({ status: labelValue(labels.status), method: labelValue(labels.method), bank: labelValue(labels.bank) });
  }

  /** The text format Prometheus scrapes: this gateway's metrics, then the process's. */
  async exposition(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets: SECONDS, registers: [this.registry] });
  }
}
