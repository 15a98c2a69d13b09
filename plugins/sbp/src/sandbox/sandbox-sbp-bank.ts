import { randomBytes } from 'node:crypto';
import { AwaitedSandbox, Clock, Database, SandboxRow } from '@tender/core';
import { QrRefused, RegisteredQr, SbpBank, SbpNotification, SbpPaymentStatus, SbpRefundStatus } from '../sbp-bank';

/** The adapter code of the sandbox SBP bank. */
export const SANDBOX_SBP_CODE = 'sbp-sandbox';
/** The header its notifications carry: `sha256=<hex HMAC of the raw body>`. */
export const SANDBOX_SBP_SIGNATURE_HEADER = 'x-sbp-sandbox-signature';

/** A QR code at the sandbox bank, as its tester page and test API show it. */
export interface SandboxQr {
  readonly reference: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly purpose: string;
  readonly status: 'pending' | 'paid' | 'rejected';
  readonly expiresAt: number;
  readonly refunded: number;
}

/**
 * A simulated SBP acquiring bank for test mode (core's AwaitedSandbox in SBP's
 * words): it registers QR codes (the payload is its tester page's address, so a
 * phone that scans it opens the page), keeps their status in `sbp_sandbox_qrs`,
 * makes return transfers, and signs its notifications with HMAC-SHA256
 * (`x-sbp-sandbox-signature`) under the plugin's `sandboxSecret`. The tester (or a
 * test, through the test API) approves or rejects; the decision is notified at once.
 * It accepts a decision after the QR's expiry on purpose, so late payments can be tried.
 *
 * @example
 * ```ts
 * const bank = new SandboxSbpBank(db, clock, secret, 'https://pay.example');
 * await bank.decide(reference, 'paid'); // notifies the gateway
 * ```
 */
export class SandboxSbpBank extends AwaitedSandbox implements SbpBank {
  readonly code = SANDBOX_SBP_CODE;

  constructor(
    db: Database,
    clock: Clock,
    secret: string,
    private readonly publicUrl: string,
  ) {
    super(db, clock, secret, {
      payments: 'sbp_sandbox_qrs',
      returns: 'sbp_sandbox_returns',
      paymentColumn: 'qr_reference',
      waiting: 'pending',
      paid: 'paid',
      returned: 'succeeded',
      notReturned: 'failed',
      signatureHeader: SANDBOX_SBP_SIGNATURE_HEADER,
    });
  }

  /** The tester page of a QR: its payload. */
  pageUrl(reference: string): string {
    return `${this.publicUrl}/plugins/sbp/sandbox/qr/${encodeURIComponent(reference)}`;
  }

  async registerQr(request: Parameters<SbpBank['registerQr']>[0]): Promise<RegisteredQr | QrRefused> {
    if (request.livemode) return { kind: 'refused', code: 'sandbox_test_only', message: 'The sandbox SBP bank takes test-mode payments only.' };
    if (request.currency !== 'RUB') return { kind: 'refused', code: 'currency', message: 'SBP takes RUB only.' };
    const expiresAt = await this.registerOnce(
      request.reference,
      { payment_id: request.paymentId, amount: request.amount, currency: request.currency, purpose: request.purpose.slice(0, 140) },
      request.expiresAt,
    );
    return { kind: 'registered', payload: this.pageUrl(request.reference), expiresAt };
  }

  async status(request: { readonly reference: string }): Promise<SbpPaymentStatus> {
    return (await this.statusOf(request.reference)) as SbpPaymentStatus;
  }

  async refund(request: Parameters<SbpBank['refund']>[0]): Promise<SbpRefundStatus> {
    return (await this.returnOnce(request)) as SbpRefundStatus;
  }

  verifyNotification(raw: Buffer, header: (name: string) => string | undefined): SbpNotification | undefined {
    return parseNotification(this.signedBody(raw, header));
  }

  async find(reference: string): Promise<SandboxQr | undefined> {
    const row = await this.row(reference);
    return row === undefined ? undefined : qrOf(row);
  }

  /**
   * The tester's decision. The first one counts; a repeated one sends the same
   * notification again (a duplicate, which the gateway must ignore). Returns the QR
   * and the gateway's answer to the notification.
   */
  async decide(reference: string, decision: 'paid' | 'rejected'): Promise<{ qr: SandboxQr; notified: number } | undefined> {
    const row = await this.decideOnce(reference, decision, { operation_id: `sbpop_${randomBytes(8).toString('hex')}` });
    if (row === undefined) return undefined;
    const qr = qrOf(row);
    const notified = await this.notify({ reference, status: qr.status, amount: qr.amount, currency: qr.currency, operation_id: row.operation_id ?? null });
    return { qr, notified };
  }
}

function qrOf(row: SandboxRow): SandboxQr {
  return {
    reference: String(row.reference),
    paymentId: String(row.payment_id),
    amount: Number(row.amount),
    currency: String(row.currency),
    purpose: String(row.purpose),
    status: row.status as SandboxQr['status'],
    expiresAt: Number(row.expires_at),
    refunded: Number(row.refunded),
  };
}

/** The sandbox's notification body, read strictly: anything unexpected is no notification. */
function parseNotification(body: unknown): SbpNotification | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.reference !== 'string' || (b.status !== 'paid' && b.status !== 'rejected') || !Number.isSafeInteger(b.amount) || typeof b.currency !== 'string')
    return undefined;
  return {
    reference: b.reference,
    status: b.status,
    amount: b.amount as number,
    currency: b.currency,
    operationId: typeof b.operation_id === 'string' ? b.operation_id : undefined,
  };
}
