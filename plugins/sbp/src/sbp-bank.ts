import { BankConnectionTerms } from '@tender/core';

/** A QR code the bank registered for one payment (a dynamic SBP QR, "QR-Dynamic"). */
export interface RegisteredQr {
  readonly kind: 'registered';
  /** The text the QR encodes: for a real SBP bank the https://qr.nspk.ru/... link (it also opens bank apps on a phone). */
  readonly payload: string;
  /** When the bank stops accepting payments for it (ms since the epoch). */
  readonly expiresAt: number;
}

/** The bank refused or failed to register the QR: nothing can be paid. */
export interface QrRefused {
  readonly kind: 'refused' | 'unavailable';
  readonly code: string;
  readonly message: string;
}

/** What the bank knows of a QR payment. `expired`: the QR lapsed unpaid. */
export type SbpPaymentStatus = 'pending' | 'paid' | 'rejected' | 'expired' | 'not_found';

/** A return transfer's outcome; `pending` is asked again later with the same reference. */
export type SbpRefundStatus = 'succeeded' | 'failed' | 'pending';

/** A notification from the bank, after the bank's own check of its signature. */
export interface SbpNotification {
  /** Tender's reference the QR was registered with (the bank's order id). */
  readonly reference: string;
  readonly status: 'paid' | 'rejected';
  /** What the buyer paid, in minor units, and its currency: checked against the payment. */
  readonly amount: number;
  readonly currency: string;
  /** The SBP operation id (for the operator and refunds). */
  readonly operationId: string | undefined;
}

/**
 * EXTENSION POINT: an SBP acquiring bank, as `@tender/plugin-sbp` needs it: register
 * a dynamic QR for a payment, tell its status, return money (a return transfer), and
 * verify the notifications it sends. Every call is keyed by Tender's `reference`
 * (the bank operation's id, sent to the bank as its order id): the same reference
 * twice is the same request, never a second QR or a second return.
 *
 * Wrap an implementation in `SbpBankAdapter` and register it as a bank adapter, and
 * mount `sbpNotificationRoutes` where the bank posts its notifications
 * (docs/sbp.md, "Writing an adapter for a real SBP bank"); `runSbpBankConformance`
 * checks an implementation.
 *
 * @example
 * ```ts
 * class AcmeSbpBank implements SbpBank {
 *   readonly code = 'acme-sbp';
 *   async registerQr(r) { const a = await api.post('/qr', { orderId: r.reference, amount: r.amount, ttl: ... }); return { kind: 'registered', payload: a.payload, expiresAt: Date.parse(a.expiresAt) }; }
 *   async status(r) { return mapStatus((await api.get(`/qr/${r.reference}`)).status); }
 *   async refund(r) { return (await api.post('/refunds', { refundId: r.reference, orderId: r.originalReference, amount: r.amount })).ok ? 'succeeded' : 'failed'; }
 *   verifyNotification(raw, header) { return checkAcmeSignature(raw, header('x-acme-signature')) ? parse(raw) : undefined; }
 * }
 * ```
 */
export interface SbpBank {
  /** The bank adapter code the wrapping SbpBankAdapter registers under. */
  readonly code: string;
  /** True for a bank that moves no real money (the sandbox): it takes test-mode payments. */
  readonly sandbox?: boolean;
  registerQr(request: {
    readonly reference: string;
    readonly paymentId: string;
    readonly amount: number;
    readonly currency: string;
    readonly livemode: boolean;
    /** What the buyer's bank app shows as the purpose of the payment. */
    readonly purpose: string;
    readonly expiresAt: number;
    readonly connection: BankConnectionTerms;
  }): Promise<RegisteredQr | QrRefused>;
  status(request: { readonly reference: string; readonly livemode: boolean; readonly connection: BankConnectionTerms }): Promise<SbpPaymentStatus>;
  /** A return transfer of `amount` of the QR payment `originalReference`; `reference` identifies this return. */
  refund(request: {
    readonly reference: string;
    readonly originalReference: string;
    readonly amount: number;
    readonly currency: string;
    readonly livemode: boolean;
    readonly connection: BankConnectionTerms;
  }): Promise<SbpRefundStatus>;
  /** The notification in `raw` (the body as received) if its signature is the bank's, else undefined. */
  verifyNotification(raw: Buffer, header: (name: string) => string | undefined): SbpNotification | undefined;
}
