import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, LOGGER, Logger, paymentFromRow } from '@tender/core';
import { fromMinorUnits } from './saleor-amount';
import { SaleorInstallationService } from './saleor-installation.service';

export const SALEOR_REPORTER_OPTIONS = Symbol('SaleorReporterOptions');

export interface SaleorReporterOptions {
  /** How often payments backing Saleor transactions are checked for news (ms). */
  readonly intervalMs: number;
  readonly fetch?: typeof fetch;
}

const MUTATION = `mutation TenderReport($id: ID!, $type: TransactionEventTypeEnum!, $amount: PositiveDecimal!, $pspReference: String!, $message: String, $externalUrl: String) {
  transactionEventReport(id: $id, type: $type, amount: $amount, pspReference: $pspReference, message: $message, externalUrl: $externalUrl) {
    alreadyProcessed
    errors { field message code }
  }
}`;

/**
 * Tells Saleor what the buyer did after the initialize-session answer (paid or failed
 * on the hosted page) with `transactionEventReport`, authenticated with the store's
 * app token. A transaction whose payment status differs from the last one reported is
 * reported and then marked; Saleor drops a repeated report of the same event
 * (`alreadyProcessed`), so two processes reporting at once do no harm.
 *
 * @example
 * ```ts
 * ctx.registerBackgroundJob({ name: 'saleor-reporter', start: () => reporter.start(), stop: () => reporter.stop() });
 * ```
 */
@injectable()
export class SaleorReporter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(SaleorInstallationService) private readonly installations: SaleorInstallationService,
    @inject(SALEOR_REPORTER_OPTIONS) private readonly options: SaleorReporterOptions,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.running !== undefined) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.logger.warn({ error: String(error) }, 'saleor report round failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: reports every changed transaction it finds (at most 50). */
  async runOnce(): Promise<void> {
    const rows = await this.db('saleor_transactions as s')
      .join('payments as p', function () {
        this.on('p.id', '=', 's.payment_id').andOn('p.merchant_id', '=', 's.merchant_id').andOn('p.livemode', '=', 's.livemode');
      })
      .whereRaw('p.status <> s.reported_status')
      .select('p.*', 's.installation_id as saleor_installation_id', 's.transaction_id as saleor_transaction_id', 's.reported_status as saleor_reported_status')
      .limit(50);
    for (const row of rows) {
      const payment = paymentFromRow(row);
      const type = eventTypeOf(payment.status);
      if (type !== undefined) {
        const amount = fromMinorUnits(type === 'AUTHORIZATION_SUCCESS' || type.endsWith('FAILURE') ? payment.amount : payment.amountCaptured, payment.currency);
        const sent = await this.report(String(row.saleor_installation_id), {
          id: String(row.saleor_transaction_id),
          type,
          amount,
          pspReference: payment.id,
          message: payment.failureMessage,
        });
        if (!sent) continue;
      }
      await this.db('saleor_transactions').where({ payment_id: payment.id, reported_status: String(row.saleor_reported_status) }).update({ reported_status: payment.status });
    }
  }

  private async report(installationId: string, variables: Record<string, unknown>): Promise<boolean> {
    const installation = await this.installations.byId(installationId);
    const token = installation === undefined ? undefined : await this.installations.appToken(installationId);
    if (installation === undefined || token === undefined) return false;
    try {
      const response = await (this.options.fetch ?? fetch)(installation.saleorApiUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: MUTATION, variables }),
        signal: AbortSignal.timeout(10_000),
        redirect: 'error',
      });
      const body = (await response.json()) as { data?: { transactionEventReport?: { errors?: unknown[] } }; errors?: unknown[] };
      const errors = [...(body.errors ?? []), ...(body.data?.transactionEventReport?.errors ?? [])];
      if (!response.ok || body.data?.transactionEventReport === undefined || errors.length > 0) {
        this.logger.warn({ installation: installationId, payment: String(variables.pspReference), status: response.status, errors: JSON.stringify(errors).slice(0, 500) }, 'saleor refused a transaction report');
        return false;
      }
      return true;
    } catch (error) {
      this.logger.warn({ installation: installationId, error: String(error) }, 'saleor transaction report failed');
      return false;
    }
  }
}

/** The Saleor event for a status the buyer brought about; undefined for states Saleor learnt from a webhook answer. */
function eventTypeOf(status: string): string | undefined {
  switch (status) {
    case 'authorized':
      return 'AUTHORIZATION_SUCCESS';
    case 'captured':
      return 'CHARGE_SUCCESS';
    case 'declined':
    case 'failed':
      return 'CHARGE_FAILURE';
    default:
      return undefined;
  }
}
