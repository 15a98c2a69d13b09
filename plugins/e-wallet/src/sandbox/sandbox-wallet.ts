import { randomBytes } from 'node:crypto';
import { Clock, Database, inTransaction, signNotification, verifyNotificationSignature } from '@tender/core';
import { WalletNotification, WalletPaymentCreated, WalletPaymentRefused, WalletPaymentStatus, WalletProvider } from '../wallet-provider';

export const SANDBOX_WALLET_CODE = 'wallet-sandbox';
/** Its notifications carry `sha256=<hex HMAC-SHA256 of the raw body>` in this header. */
export const SANDBOX_WALLET_SIGNATURE_HEADER = 'x-wallet-sandbox-signature';

/** A payment at the sandbox wallet. */
export interface SandboxWalletPayment {
  readonly reference: string;
  readonly walletPaymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly description: string;
  readonly returnUrl: string;
  readonly status: 'waiting' | 'succeeded' | 'canceled';
  readonly expiresAt: number;
  readonly refunded: number;
}

/** Delivers a signed notification to the gateway's handler; answers its HTTP status. */
export type WalletNotifier = (raw: Buffer, header: (name: string) => string | undefined) => Promise<{ readonly status: number }>;

/**
 * A simulated wallet for test mode: payments wait on its page
 * (/plugins/e-wallet/sandbox/pay/<reference>) until the tester pays or cancels
 * there (or a test through its API); each decision is notified at once, signed with
 * HMAC-SHA256 under the plugin's `sandboxSecret`. A decision after the expiry is
 * accepted on purpose, so late payments can be tried.
 *
 * @example
 * ```ts
 * await wallet.decide(reference, 'succeeded'); // notifies the gateway
 * ```
 */
export class SandboxWallet implements WalletProvider {
  readonly code = SANDBOX_WALLET_CODE;
  readonly sandbox = true;
  private notifier: WalletNotifier | undefined;

  constructor(private readonly db: Database, private readonly clock: Clock, private readonly secret: string, private readonly publicUrl: string) {}

  notifyTo(notifier: WalletNotifier): void {
    this.notifier = notifier;
  }

  async createPayment(request: Parameters<WalletProvider['createPayment']>[0]): Promise<WalletPaymentCreated | WalletPaymentRefused> {
    if (request.livemode) return { kind: 'refused', code: 'sandbox_test_only', message: 'The sandbox wallet takes test-mode payments only.' };
    const existing = await this.find(request.reference);
    const now = this.clock.now();
    if (existing === undefined) {
      await this.db('e_wallet_sandbox_payments').insert({
        reference: request.reference, wallet_payment_id: `wp_${randomBytes(10).toString('hex')}`, amount: request.amount, currency: request.currency, description: request.description,
        return_url: request.returnUrl.slice(0, 500), status: 'waiting', refunded: 0, expires_at: request.expiresAt, created_at: now, updated_at: now,
      });
    }
    return { kind: 'created', redirectUrl: `${this.publicUrl}/plugins/e-wallet/sandbox/pay/${encodeURIComponent(request.reference)}`, expiresAt: existing?.expiresAt ?? request.expiresAt };
  }

  async status(request: { readonly reference: string }): Promise<WalletPaymentStatus> {
    const payment = await this.find(request.reference);
    if (payment === undefined) return 'not_found';
    return payment.status === 'waiting' && this.clock.now() >= payment.expiresAt ? 'expired' : payment.status;
  }

  async refund(request: Parameters<WalletProvider['refund']>[0]): Promise<'succeeded' | 'canceled'> {
    return inTransaction(this.db, async (trx) => {
      const earlier = await trx('e_wallet_sandbox_refunds').where({ reference: request.reference }).first();
      if (earlier !== undefined) return earlier.status as 'succeeded' | 'canceled';
      const payment = await trx('e_wallet_sandbox_payments').where({ reference: request.originalReference }).forUpdate().first();
      const left = payment?.status === 'succeeded' ? Number(payment.amount) - Number(payment.refunded) : 0;
      const status = request.amount > 0 && request.amount <= left && payment?.currency === request.currency ? 'succeeded' : 'canceled';
      const now = this.clock.now();
      await trx('e_wallet_sandbox_refunds').insert({ reference: request.reference, payment_reference: request.originalReference, amount: request.amount, status, created_at: now });
      if (status === 'succeeded') await trx('e_wallet_sandbox_payments').where({ reference: request.originalReference }).update({ refunded: Number(payment.refunded) + request.amount, updated_at: now });
      return status;
    });
  }

  verifyNotification(raw: Buffer, header: (name: string) => string | undefined): WalletNotification | undefined {
    const signature = header(SANDBOX_WALLET_SIGNATURE_HEADER) ?? '';
    if (!signature.startsWith('sha256=') || !verifyNotificationSignature(this.secret, raw, signature.slice('sha256='.length))) return undefined;
    return readNotification(raw);
  }

  async find(reference: string): Promise<SandboxWalletPayment | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(reference)) return undefined;
    const row = await this.db('e_wallet_sandbox_payments').where({ reference }).first();
    return row === undefined ? undefined : {
      reference: String(row.reference), walletPaymentId: String(row.wallet_payment_id), amount: Number(row.amount), currency: String(row.currency), description: String(row.description),
      returnUrl: String(row.return_url), status: row.status as SandboxWalletPayment['status'], expiresAt: Number(row.expires_at), refunded: Number(row.refunded),
    };
  }

  /** The buyer pays or cancels; the first decision counts, a later one notifies it again (a duplicate). */
  async decide(reference: string, decision: 'succeeded' | 'canceled'): Promise<{ payment: SandboxWalletPayment; notified: number } | undefined> {
    if ((await this.find(reference)) === undefined) return undefined;
    await this.db('e_wallet_sandbox_payments').where({ reference, status: 'waiting' }).update({ status: decision, updated_at: this.clock.now() });
    const payment = (await this.find(reference))!;
    const raw = Buffer.from(JSON.stringify({ event: `payment.${payment.status}`, object: { id: payment.walletPaymentId, reference, amount: payment.amount, currency: payment.currency } }));
    const signed = `sha256=${signNotification(this.secret, raw)}`;
    if (this.notifier === undefined) throw new Error('the sandbox wallet has nowhere to send notifications');
    const answer = await this.notifier(raw, (name) => (name.toLowerCase() === SANDBOX_WALLET_SIGNATURE_HEADER ? signed : undefined));
    return { payment, notified: answer.status };
  }
}

/** The notification body, read strictly. */
function readNotification(raw: Buffer): WalletNotification | undefined {
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as { event?: unknown; object?: { id?: unknown; reference?: unknown; amount?: unknown; currency?: unknown } };
    const o = parsed.object;
    if ((parsed.event !== 'payment.succeeded' && parsed.event !== 'payment.canceled') || o === undefined || typeof o.reference !== 'string' || !Number.isSafeInteger(o.amount) || typeof o.currency !== 'string') return undefined;
    return { reference: o.reference, event: parsed.event, amount: o.amount as number, currency: o.currency, walletPaymentId: typeof o.id === 'string' ? o.id : undefined };
  } catch {
    return undefined;
  }
}
