import { BankConnectionTerms } from '@tender/core';

/** The wallet created the payment: the buyer is sent to `redirectUrl` to pay it before `expiresAt`. */
export interface WalletPaymentCreated {
  readonly kind: 'created';
  readonly redirectUrl: string;
  readonly expiresAt: number;
}

/** The wallet refused (`refused`: e.g. the amount is over its limit) or failed (`unavailable`). */
export interface WalletPaymentRefused {
  readonly kind: 'refused' | 'unavailable';
  readonly code: string;
  readonly message: string;
}

/** What the wallet knows of a payment. */
export type WalletPaymentStatus = 'waiting' | 'succeeded' | 'canceled' | 'expired' | 'not_found';

/** A notification from the wallet, after the provider checked its signature. */
export interface WalletNotification {
  readonly reference: string;
  readonly event: 'payment.succeeded' | 'payment.canceled';
  readonly amount: number;
  readonly currency: string;
  /** The wallet's own id of the payment. */
  readonly walletPaymentId: string | undefined;
}

/**
 * EXTENSION POINT: an e-wallet in the YooMoney/QIWI shape, as
 * `@tender/plugin-e-wallet` needs it: create a payment and get the page to send the
 * buyer to, ask its status, refund it, verify the notifications it sends. Calls are
 * keyed by Tender's `reference` (the wallet's idempotence key and order id): the
 * same reference twice is the same request.
 *
 * Wrap an implementation in `WalletAdapter`, register that as a bank adapter, and
 * mount `walletNotificationRoutes` (docs/e-wallets.md); `runWalletProviderConformance`
 * checks an implementation.
 *
 * @example
 * ```ts
 * class AcmeWallet implements WalletProvider {
 *   readonly code = 'acme-wallet';
 *   async createPayment(r) { const p = await api.post('/payments', { amount: r.amount, return_url: r.returnUrl }, { 'Idempotence-Key': r.reference }); return { kind: 'created', redirectUrl: p.confirmation_url, expiresAt: Date.parse(p.expires_at) }; }
 *   async status(r) { return (await api.get(`/payments/by-key/${r.reference}`)).status; }
 *   async refund(r) { return (await api.post('/refunds', { payment: r.originalReference, amount: r.amount }, { 'Idempotence-Key': r.reference })).status; }
 *   verifyNotification(raw, header) { return acmeSignatureOk(raw, header('x-acme-signature')) ? parse(raw) : undefined; }
 * }
 * ```
 */
export interface WalletProvider {
  /** The bank adapter code the wrapping WalletAdapter registers under. */
  readonly code: string;
  /** True for a wallet that moves no real money (the sandbox): it takes test-mode payments. */
  readonly sandbox?: boolean;
  createPayment(request: {
    readonly reference: string;
    readonly paymentId: string;
    readonly amount: number;
    readonly currency: string;
    readonly livemode: boolean;
    readonly description: string;
    /** Where the wallet sends the buyer back: the payment's page at the gateway. */
    readonly returnUrl: string;
    readonly expiresAt: number;
    readonly connection: BankConnectionTerms;
  }): Promise<WalletPaymentCreated | WalletPaymentRefused>;
  status(request: { readonly reference: string; readonly livemode: boolean; readonly connection: BankConnectionTerms }): Promise<WalletPaymentStatus>;
  refund(request: {
    readonly reference: string;
    readonly originalReference: string;
    readonly amount: number;
    readonly currency: string;
    readonly livemode: boolean;
    readonly connection: BankConnectionTerms;
  }): Promise<'succeeded' | 'canceled' | 'pending'>;
  verifyNotification(raw: Buffer, header: (name: string) => string | undefined): WalletNotification | undefined;
}
