import { PaymentStatus } from './payment-state-machine';
import { toMinorUnits } from '../money/money';
import { NextAction } from '../banks/bank-adapter';

export type CaptureMethod = 'automatic' | 'manual';

/** What a payment asks to keep its card for (setup_future_usage). */
export type SetupFutureUsage = 'on_session' | 'off_session';

/** The payment aggregate as the core holds it (one row of `payments`). */
export interface Payment {
  readonly seq: number;
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly status: PaymentStatus;
  /** What the bank is asked for: the net amount, after a confirm's adjustments (AmountAdjuster). */
  readonly amount: number;
  /** What the merchant asked for, before adjustments (equals `amount` when there were none). */
  readonly amountGross: number;
  /** The discount the latest confirm's adjustments took off `amountGross` (`amountGross - amount`). */
  readonly amountDiscount: number;
  readonly amountCaptured: number;
  readonly amountRefunded: number;
  readonly amountRefundPending: number;
  readonly currency: string;
  readonly orderId: string;
  readonly description: string | null;
  readonly captureMethod: CaptureMethod;
  readonly returnUrl: string | null;
  /** Where the receipt goes when the payment is captured. */
  readonly customerEmail: string | null;
  readonly metadata: Record<string, string>;
  readonly pageToken: string;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  /**
   * The type of the PaymentMethod of the latest confirm ('card', 'account', a
   * plugin's own), null before any; written by PaymentService (migration 032).
   */
  readonly methodType: string | null;
  readonly card: PaymentCard | null;
  readonly cardToken: string | null;
  readonly cardFingerprint: string | null;
  readonly operationInProgress: string | null;
  /** Transaction monitoring's verdict on the latest confirm attempt (null before any). */
  readonly risk: PaymentRisk | null;
  /** The buyer's language for the hosted page (ru, en, ar), when the shop chose one. */
  readonly locale: string | null;
  /** The last 3-D Secure authentication: transStatus and ECI. */
  readonly threeDSecure: { readonly status: string; readonly eci: string | null } | null;
  /** The pending challenge (JSON) while the payment requires action. */
  readonly threeDSecureChallenge: string | null;
  /** What the buyer must do elsewhere while the payment requires action (a QR code, a wallet's page), migration 039. */
  readonly nextAction: NextAction | null;
  /** When that offer lapses (ms since the epoch); the payment then fails with `action_expired`. */
  readonly nextActionExpiresAt: number | null;
  /** The customer the payment is for (an id a registered CustomerDirectory knows), migration 036. */
  readonly customerId: string | null;
  /** Keep the card after this payment for later payments: buyer present only, or merchant-initiated too. */
  readonly setupFutureUsage: SetupFutureUsage | null;
  /** A merchant-initiated payment (created with `off_session: true`): the buyer is absent. */
  readonly offSession: boolean;
  /** The stored payment method it was paid with (PaymentInstrument.paymentMethodId), e.g. a saved card's `pm_...`. */
  readonly paymentMethodId: string | null;
  /** The card network's reference of the approved authorization (ApprovedResult.networkReference). */
  readonly networkReference: string | null;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PaymentCard {
  readonly brand: string;
  readonly bin: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

export interface PaymentRisk {
  readonly score: number;
  readonly decision: string;
  readonly reasons: ReadonlyArray<{ readonly rule: string; readonly score: number; readonly reason: string; readonly dry_run: boolean }>;
}

export type PaymentRow = Record<string, unknown>;

export function paymentFromRow(row: PaymentRow): Payment {
  const brand = row.card_brand as string | null;
  return {
    seq: Number(row.seq),
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    status: row.status as PaymentStatus,
    amount: toMinorUnits(row.amount),
    amountGross: toMinorUnits(row.amount_gross ?? row.amount),
    amountDiscount: toMinorUnits(row.amount_discount ?? 0),
    amountCaptured: toMinorUnits(row.amount_captured),
    amountRefunded: toMinorUnits(row.amount_refunded),
    amountRefundPending: toMinorUnits(row.amount_refund_pending),
    currency: String(row.currency),
    orderId: String(row.order_id),
    description: (row.description as string | null) ?? null,
    captureMethod: row.capture_method as CaptureMethod,
    returnUrl: (row.return_url as string | null) ?? null,
    customerEmail: (row.customer_email as string | null) ?? null,
    metadata: row.metadata === null || row.metadata === undefined ? {} : (JSON.parse(String(row.metadata)) as Record<string, string>),
    pageToken: String(row.page_token),
    failureCode: (row.failure_code as string | null) ?? null,
    failureMessage: (row.failure_message as string | null) ?? null,
    methodType: (row.method_type as string | null | undefined) ?? null,
    card:
      brand === null || brand === undefined
        ? null
        : {
            brand,
            bin: String(row.card_bin),
            last4: String(row.card_last4),
            expMonth: Number(row.card_exp_month),
            expYear: Number(row.card_exp_year),
          },
    cardToken: (row.card_token as string | null) ?? null,
    cardFingerprint: (row.card_fingerprint as string | null) ?? null,
    operationInProgress: (row.operation_in_progress as string | null) ?? null,
    risk: riskFromRow(row),
    locale: (row.locale as string | null) ?? null,
    threeDSecure:
      row.three_ds_status === null || row.three_ds_status === undefined
        ? null
        : { status: String(row.three_ds_status), eci: (row.three_ds_eci as string | null) ?? null },
    threeDSecureChallenge: (row.three_ds_challenge as string | null) ?? null,
    nextAction: row.next_action === null || row.next_action === undefined ? null : (JSON.parse(String(row.next_action)) as NextAction),
    nextActionExpiresAt: row.next_action_expires_at === null || row.next_action_expires_at === undefined ? null : Number(row.next_action_expires_at),
    customerId: (row.customer_id as string | null | undefined) ?? null,
    setupFutureUsage: (row.setup_future_usage as SetupFutureUsage | null | undefined) ?? null,
    offSession: Boolean(row.off_session ?? false),
    paymentMethodId: (row.payment_method_id as string | null | undefined) ?? null,
    networkReference: (row.network_reference as string | null | undefined) ?? null,
    version: Number(row.version),
    createdAt: toMinorUnits(row.created_at),
    updatedAt: toMinorUnits(row.updated_at),
  };
}

/** Columns a state change may set, in row form. */
export interface PaymentPatch {
  status?: PaymentStatus;
  /** Set only by a confirm's adjustments (with amount_gross and amount_discount). */
  amount?: number;
  amount_gross?: number;
  amount_discount?: number;
  amount_captured?: number;
  amount_refunded?: number;
  amount_refund_pending?: number;
  failure_code?: string | null;
  failure_message?: string | null;
  method_type?: string;
  card_token?: string | null;
  card_brand?: string | null;
  card_bin?: string | null;
  card_last4?: string | null;
  card_exp_month?: number | null;
  card_exp_year?: number | null;
  card_fingerprint?: string | null;
  operation_in_progress?: string | null;
  risk_score?: number | null;
  risk_decision?: string | null;
  risk_reasons?: string | null;
  three_ds_status?: string | null;
  three_ds_eci?: string | null;
  three_ds_challenge?: string | null;
  /** JSON of a NextAction; null clears it. */
  next_action?: string | null;
  next_action_expires_at?: number | null;
  setup_future_usage?: SetupFutureUsage | null;
  payment_method_id?: string | null;
  network_reference?: string | null;
}

export function riskFromRow(row: { risk_score?: unknown; risk_decision?: unknown; risk_reasons?: unknown }): PaymentRisk | null {
  if (row.risk_decision === null || row.risk_decision === undefined) return null;
  return {
    score: Number(row.risk_score),
    decision: String(row.risk_decision),
    reasons: JSON.parse(String(row.risk_reasons ?? '[]')) as PaymentRisk['reasons'],
  };
}
