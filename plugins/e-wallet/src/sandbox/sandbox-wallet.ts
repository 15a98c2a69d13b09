import { randomBytes } from 'node:crypto';
import { AwaitedSandbox, Clock, Database, SandboxRow } from '@tender/core';
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

/**
 * A simulated wallet for test mode (core's AwaitedSandbox in a wallet's words):
 * payments wait on its page (/plugins/e-wallet/sandbox/pay/<reference>) until the
 * tester pays or cancels there (or a test through its API); each decision is
 * notified at once, signed with HMAC-SHA256 under the plugin's `sandboxSecret`. A
 * decision after the expiry is accepted on purpose, so late payments can be tried.
 *
 * @example
 * ```ts
 * await wallet.decide(reference, 'succeeded'); // notifies the gateway
 * ```
 */
export class SandboxWallet extends AwaitedSandbox implements WalletProvider {
  readonly code = SANDBOX_WALLET_CODE;

  constructor(
    db: Database,
    clock: Clock,
    secret: string,
    private readonly publicUrl: string,
  ) {
    super(db, clock, secret, {
      payments: 'e_wallet_sandbox_payments',
      returns: 'e_wallet_sandbox_refunds',
      paymentColumn: 'payment_reference',
      waiting: 'waiting',
      paid: 'succeeded',
      returned: 'succeeded',
      notReturned: 'canceled',
      signatureHeader: SANDBOX_WALLET_SIGNATURE_HEADER,
    });
  }

  async createPayment(request: Parameters<WalletProvider['createPayment']>[0]): Promise<WalletPaymentCreated | WalletPaymentRefused> {
    if (request.livemode) return { kind: 'refused', code: 'sandbox_test_only', message: 'The sandbox wallet takes test-mode payments only.' };
    const expiresAt = await this.registerOnce(
      request.reference,
      {
        wallet_payment_id: `wp_${randomBytes(10).toString('hex')}`,
        amount: request.amount,
        currency: request.currency,
        description: request.description,
        return_url: request.returnUrl.slice(0, 500),
      },
      request.expiresAt,
    );
    return { kind: 'created', redirectUrl: `${this.publicUrl}/plugins/e-wallet/sandbox/pay/${encodeURIComponent(request.reference)}`, expiresAt };
  }

  async status(request: { readonly reference: string }): Promise<WalletPaymentStatus> {
    return (await this.statusOf(request.reference)) as WalletPaymentStatus;
  }

  async refund(request: Parameters<WalletProvider['refund']>[0]): Promise<'succeeded' | 'canceled'> {
    return (await this.returnOnce(request)) as 'succeeded' | 'canceled';
  }

  verifyNotification(raw: Buffer, header: (name: string) => string | undefined): WalletNotification | undefined {
    return readNotification(this.signedBody(raw, header));
  }

  async find(reference: string): Promise<SandboxWalletPayment | undefined> {
    const row = await this.row(reference);
    return row === undefined ? undefined : paymentOf(row);
  }

  /** The buyer pays or cancels; the first decision counts, a later one notifies it again (a duplicate). */
  async decide(reference: string, decision: 'succeeded' | 'canceled'): Promise<{ payment: SandboxWalletPayment; notified: number } | undefined> {
    const row = await this.decideOnce(reference, decision);
    if (row === undefined) return undefined;
    const payment = paymentOf(row);
    const notified = await this.notify({
      event: `payment.${payment.status}`,
      object: { id: payment.walletPaymentId, reference, amount: payment.amount, currency: payment.currency },
    });
    return { payment, notified };
  }
}

function paymentOf(row: SandboxRow): SandboxWalletPayment {
  return {
    reference: String(row.reference),
    walletPaymentId: String(row.wallet_payment_id),
    amount: Number(row.amount),
    currency: String(row.currency),
    description: String(row.description),
    returnUrl: String(row.return_url),
    status: row.status as SandboxWalletPayment['status'],
    expiresAt: Number(row.expires_at),
    refunded: Number(row.refunded),
  };
}

/** The notification body, read strictly. */
function readNotification(body: unknown): WalletNotification | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const parsed = body as { event?: unknown; object?: { id?: unknown; reference?: unknown; amount?: unknown; currency?: unknown } };
  const o = parsed.object;
  if (
    (parsed.event !== 'payment.succeeded' && parsed.event !== 'payment.canceled') ||
    typeof o !== 'object' ||
    o === null ||
    typeof o.reference !== 'string' ||
    !Number.isSafeInteger(o.amount) ||
    typeof o.currency !== 'string'
  )
    return undefined;
  return {
    reference: o.reference,
    event: parsed.event,
    amount: o.amount as number,
    currency: o.currency,
    walletPaymentId: typeof o.id === 'string' ? o.id : undefined,
  };
}
