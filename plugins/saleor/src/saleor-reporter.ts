import { inject, injectable } from 'tsyringe';
import { BackgroundJob, DATABASE, Database, JobScheduler, LOGGER, Logger, OutboundHttpClient, Payment, paymentFromRow } from '@tender/core';
import { fromMinorUnits } from './saleor-amount';
import { SaleorInstallationService } from './saleor-installation.service';
import { SALEOR_REFUND_REASON } from './saleor-transaction.service';

export const SALEOR_REPORTER_OPTIONS = Symbol('SaleorReporterOptions');

export interface SaleorReporterOptions {
  /** How often payments backing Saleor transactions are checked for news (ms). */
  readonly intervalMs: number;
}

const MUTATION = `mutation TenderReport($id: ID!, $type: TransactionEventTypeEnum!, $amount: PositiveDecimal!, $pspReference: String!, $message: String, $externalUrl: String) {
  transactionEventReport(id: $id, type: $type, amount: $amount, pspReference: $pspReference, message: $message, externalUrl: $externalUrl) {
    alreadyProcessed
    errors { field message code }
  }
}`;

/**
 * Tells Saleor with `transactionEventReport` (authenticated with the store's app token)
 * what it did not learn from a webhook answer: what the buyer did after the
 * initialize-session answer (paid or failed on the hosted page), and captures,
 * cancels and refunds made in Tender's API or dashboard. A transaction whose payment status differs from the last one reported is
 * reported and then marked; Saleor drops a repeated report of the same event
 * (`alreadyProcessed`), so two processes reporting at once do no harm. Calls go
 * through the outbound client (purpose `platform_api`, the installation's mode).
 *
 * @example
 * ```ts
 * ctx.registerBackgroundJob({ name: 'saleor-reporter', start: () => reporter.start(), stop: () => reporter.stop() });
 * ```
 */
@injectable()
export class SaleorReporter {
  private job: BackgroundJob | undefined;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(SaleorInstallationService) private readonly installations: SaleorInstallationService,
    @inject(SALEOR_REPORTER_OPTIONS) private readonly options: SaleorReporterOptions,
    @inject(OutboundHttpClient) private readonly outbound: OutboundHttpClient,
    @inject(JobScheduler) private readonly scheduler: JobScheduler,
  ) {}

  /** Starts reporting as an exclusive job of the gateway's scheduler: one process reports at a time. */
  start(): void {
    this.job ??= this.scheduler.job({ name: 'saleor-reporter', intervalMs: this.options.intervalMs, runAtStart: false, run: () => this.runOnce() });
    this.job.start();
  }

  async stop(): Promise<void> {
    await this.job?.stop();
  }

  /** One round: reports every changed transaction it finds (at most 50). */
  async runOnce(): Promise<void> {
    const rows = await this.db('saleor_transactions as s')
      .join('payments as p', function () {
        this.on('p.id', '=', 's.payment_id').andOn('p.merchant_id', '=', 's.merchant_id').andOn('p.livemode', '=', 's.livemode');
      })
      .where(function () {
        this.whereRaw('p.status <> s.reported_status').orWhereRaw('p.amount_refunded <> s.reported_amount_refunded');
      })
      .select(
        'p.*',
        's.installation_id as saleor_installation_id',
        's.transaction_id as saleor_transaction_id',
        's.action_type as saleor_action_type',
        's.reported_status as saleor_reported_status',
        's.reported_amount_refunded as saleor_reported_amount_refunded',
        's.reported_outside_refunded as saleor_reported_outside_refunded',
      )
      .limit(50);
    for (const row of rows) {
      const payment = paymentFromRow(row);
      const previous = String(row.saleor_reported_status);
      const reports = payment.status === previous ? [] : statusReports(previous, payment, String(row.saleor_action_type));
      let outside = Number(row.saleor_reported_outside_refunded);
      if (payment.amountRefunded !== Number(row.saleor_reported_amount_refunded)) {
        const refunds = await this.outsideRefunds(payment);
        const total = refunds.reduce((sum, r) => sum + Number(r.amount), 0);
        if (total > outside) {
          // One event for what Saleor has not heard of yet, under the newest refund's id.
          reports.push({
            type: 'REFUND_SUCCESS',
            amount: total - outside,
            pspReference: String(refunds[refunds.length - 1].id),
            message: 'Refunded in Tender, outside Saleor',
          });
          outside = total;
        }
      }
      let sent = true;
      for (const r of reports) {
        sent = await this.report(String(row.saleor_installation_id), {
          id: String(row.saleor_transaction_id),
          type: r.type,
          amount: fromMinorUnits(r.amount, payment.currency),
          pspReference: r.pspReference,
          message: r.message,
        });
        if (!sent) break; // Next round sends them again; Saleor drops repeats (alreadyProcessed).
      }
      if (!sent) continue;
      await this.db('saleor_transactions')
        .where({ payment_id: payment.id, reported_status: previous, reported_amount_refunded: Number(row.saleor_reported_amount_refunded) })
        .update({ reported_status: payment.status, reported_amount_refunded: payment.amountRefunded, reported_outside_refunded: outside });
    }
  }

  /** Succeeded refunds of the payment that Saleor did not ask for (Tender's API or dashboard), oldest first. */
  private async outsideRefunds(payment: Payment): Promise<Array<{ id: string; amount: number | string }>> {
    return this.db('refunds')
      .where({ payment_id: payment.id, merchant_id: payment.merchantId, livemode: payment.livemode, status: 'succeeded' })
      .where(function () {
        this.whereNull('reason').orWhereNot('reason', SALEOR_REFUND_REASON);
      })
      .orderBy('seq')
      .select('id', 'amount');
  }

  private async report(installationId: string, variables: Record<string, unknown>): Promise<boolean> {
    const installation = await this.installations.byId(installationId);
    const token = installation === undefined ? undefined : await this.installations.appToken(installationId);
    if (installation === undefined || token === undefined) return false;
    try {
      const response = await this.outbound.request({
        purpose: 'platform_api',
        livemode: installation.livemode,
        url: installation.saleorApiUrl,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: MUTATION, variables }),
      });
      const body = (response.json() ?? {}) as { data?: { transactionEventReport?: { errors?: unknown[] } }; errors?: unknown[] };
      const errors = [...(body.errors ?? []), ...(body.data?.transactionEventReport?.errors ?? [])];
      if (!response.ok || body.data?.transactionEventReport === undefined || errors.length > 0) {
        this.logger.warn(
          { installation: installationId, payment: String(variables.pspReference), status: response.status, errors: JSON.stringify(errors).slice(0, 500) },
          'saleor refused a transaction report',
        );
        return false;
      }
      return true;
    } catch (error) {
      this.logger.warn({ installation: installationId, error: String(error) }, 'saleor transaction report failed');
      return false;
    }
  }
}

interface Report {
  type: string;
  amount: number;
  pspReference: string;
  message: string | null;
}

/**
 * What Saleor must hear about a status it has not learnt from a webhook answer: what
 * the buyer did on the hosted page, and captures and cancels made in Tender.
 */
function statusReports(previous: string, p: Payment, actionType: string): Report[] {
  const base = { pspReference: p.id, message: p.failureMessage };
  const wasCharged = CHARGED.has(previous);
  switch (p.status) {
    case 'authorized':
      return [{ ...base, type: 'AUTHORIZATION_SUCCESS', amount: p.amount }];
    case 'captured':
    case 'partially_refunded':
    case 'refunded':
      return wasCharged ? [] : [{ ...base, type: 'CHARGE_SUCCESS', amount: p.amountCaptured }];
    case 'declined':
    case 'failed':
      return [{ ...base, type: 'CHARGE_FAILURE', amount: p.amount }];
    case 'canceled':
      // A voided authorization releases its amount; an unpaid payment closed in Tender failed.
      return previous === 'authorized'
        ? [{ ...base, type: 'CANCEL_SUCCESS', amount: p.amount, message: 'Canceled in Tender' }]
        : [
            {
              ...base,
              type: `${actionType === 'AUTHORIZATION' ? 'AUTHORIZATION' : 'CHARGE'}_FAILURE`,
              amount: p.amount,
              message: p.failureMessage ?? 'Canceled in Tender',
            },
          ];
    default:
      return [];
  }
}

const CHARGED = new Set(['captured', 'partially_refunded', 'refunded']);
