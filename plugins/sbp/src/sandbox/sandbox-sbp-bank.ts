import { randomBytes } from 'node:crypto';
import { Clock, Database, inTransaction, signNotification, verifyNotificationSignature } from '@tender/core';
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

/** Sends a signed notification to the gateway (the plugin wires it to the notification endpoint's handler). */
export type SandboxNotifier = (raw: Buffer, header: (name: string) => string | undefined) => Promise<{ readonly status: number }>;

/**
 * A simulated SBP acquiring bank for test mode: it registers QR codes (the payload
 * is its tester page's address, so a phone that scans it opens the page), keeps
 * their status in its own table, makes return transfers, and signs its
 * notifications with HMAC-SHA256 (`x-sbp-sandbox-signature`) under the plugin's
 * `sandboxSecret`. The tester (or a test, through the test API) approves or
 * rejects; the decision is notified at once. It accepts a decision after the QR's
 * expiry on purpose, so late payments can be tried.
 *
 * @example
 * ```ts
 * const bank = new SandboxSbpBank(db, clock, secret, 'https://pay.example');
 * await bank.decide(reference, 'paid'); // notifies the gateway
 * ```
 */
export class SandboxSbpBank implements SbpBank {
  readonly code = SANDBOX_SBP_CODE;
  readonly sandbox = true;
  private notifier: SandboxNotifier | undefined;

  constructor(private readonly db: Database, private readonly clock: Clock, private readonly secret: string, private readonly publicUrl: string) {}

  /** Where the decisions are notified; set once the notification handler exists. */
  notifyTo(notifier: SandboxNotifier): void {
    this.notifier = notifier;
  }

  /** The tester page of a QR: its payload. */
  pageUrl(reference: string): string {
    return `${this.publicUrl}/plugins/sbp/sandbox/qr/${encodeURIComponent(reference)}`;
  }

  async registerQr(request: Parameters<SbpBank['registerQr']>[0]): Promise<RegisteredQr | QrRefused> {
    if (request.livemode) return { kind: 'refused', code: 'sandbox_test_only', message: 'The sandbox SBP bank takes test-mode payments only.' };
    if (request.currency !== 'RUB') return { kind: 'refused', code: 'currency', message: 'SBP takes RUB only.' };
    const now = this.clock.now();
    const existing = await this.find(request.reference);
    // The same reference again is the same QR (a retry), never a second one.
    if (existing === undefined) {
      await this.db('sbp_sandbox_qrs').insert({ reference: request.reference, payment_id: request.paymentId, amount: request.amount, currency: request.currency, purpose: request.purpose.slice(0, 140), status: 'pending', refunded: 0, expires_at: request.expiresAt, created_at: now, updated_at: now });
    }
    return { kind: 'registered', payload: this.pageUrl(request.reference), expiresAt: existing?.expiresAt ?? request.expiresAt };
  }

  async status(request: { readonly reference: string }): Promise<SbpPaymentStatus> {
    const qr = await this.find(request.reference);
    if (qr === undefined) return 'not_found';
    if (qr.status === 'pending' && this.clock.now() >= qr.expiresAt) return 'expired';
    return qr.status;
  }

  async refund(request: Parameters<SbpBank['refund']>[0]): Promise<SbpRefundStatus> {
    return inTransaction(this.db, async (trx) => {
      const done = await trx('sbp_sandbox_returns').where({ reference: request.reference }).first();
      if (done !== undefined) return done.status as SbpRefundStatus;
      const qr = await trx('sbp_sandbox_qrs').where({ reference: request.originalReference }).forUpdate().first();
      const refundable = qr === undefined || qr.status !== 'paid' ? 0 : Number(qr.amount) - Number(qr.refunded);
      const ok = request.amount > 0 && request.amount <= refundable && request.currency === qr?.currency;
      const now = this.clock.now();
      await trx('sbp_sandbox_returns').insert({ reference: request.reference, qr_reference: request.originalReference, amount: request.amount, status: ok ? 'succeeded' : 'failed', created_at: now });
      if (ok) await trx('sbp_sandbox_qrs').where({ reference: request.originalReference }).update({ refunded: Number(qr.refunded) + request.amount, updated_at: now });
      return ok ? 'succeeded' : 'failed';
    });
  }

  verifyNotification(raw: Buffer, header: (name: string) => string | undefined): SbpNotification | undefined {
    const signature = header(SANDBOX_SBP_SIGNATURE_HEADER);
    if (signature === undefined || !signature.startsWith('sha256=') || !verifyNotificationSignature(this.secret, raw, signature.slice(7))) return undefined;
    return parseNotification(raw);
  }

  async find(reference: string): Promise<SandboxQr | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(reference)) return undefined;
    const row = await this.db('sbp_sandbox_qrs').where({ reference }).first();
    if (row === undefined) return undefined;
    return { reference: String(row.reference), paymentId: String(row.payment_id), amount: Number(row.amount), currency: String(row.currency), purpose: String(row.purpose), status: row.status as SandboxQr['status'], expiresAt: Number(row.expires_at), refunded: Number(row.refunded) };
  }

  /**
   * The tester's decision. The first one counts; a repeated one sends the same
   * notification again (a duplicate, which the gateway must ignore). Returns the QR
   * and the gateway's answer to the notification.
   */
  async decide(reference: string, decision: 'paid' | 'rejected'): Promise<{ qr: SandboxQr; notified: number } | undefined> {
    const before = await this.find(reference);
    if (before === undefined) return undefined;
    if (before.status === 'pending') {
      await this.db('sbp_sandbox_qrs').where({ reference, status: 'pending' }).update({ status: decision, operation_id: `sbpop_${randomBytes(8).toString('hex')}`, updated_at: this.clock.now() });
    }
    const qr = (await this.find(reference)) ?? before;
    const row = await this.db('sbp_sandbox_qrs').where({ reference }).first();
    const raw = Buffer.from(JSON.stringify({ reference, status: qr.status, amount: qr.amount, currency: qr.currency, operation_id: row?.operation_id ?? null }));
    const signature = `sha256=${signNotification(this.secret, raw)}`;
    if (this.notifier === undefined) throw new Error('the sandbox SBP bank has nowhere to send notifications');
    const answer = await this.notifier(raw, (name) => (name.toLowerCase() === SANDBOX_SBP_SIGNATURE_HEADER ? signature : undefined));
    return { qr, notified: answer.status };
  }
}

/** The sandbox's notification body, read strictly: anything unexpected is no notification. */
function parseNotification(raw: Buffer): SbpNotification | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.reference !== 'string' || (b.status !== 'paid' && b.status !== 'rejected') || !Number.isSafeInteger(b.amount) || typeof b.currency !== 'string') return undefined;
  return { reference: b.reference, status: b.status, amount: b.amount as number, currency: b.currency, operationId: typeof b.operation_id === 'string' ? b.operation_id : undefined };
}
