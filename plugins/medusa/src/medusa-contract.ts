/**
 * The part of Medusa v2's payment-provider contract this provider uses, written out
 * structurally (names and values as in @medusajs/utils 2.x: PaymentSessionStatus,
 * PaymentActions, the provider method inputs and outputs). @medusajs/utils is not a
 * build dependency of this package (it pulls in ~400 packages, and its express 4 peer
 * clashes with the gateway workspace's express 5); at run time inside Medusa the
 * provider extends Medusa's real AbstractPaymentProvider (see medusa-base.ts).
 */
export const PaymentSessionStatus = {
  AUTHORIZED: 'authorized',
  CAPTURED: 'captured',
  PENDING: 'pending',
  REQUIRES_MORE: 'requires_more',
  ERROR: 'error',
  CANCELED: 'canceled',
} as const;
export type PaymentSessionStatus = (typeof PaymentSessionStatus)[keyof typeof PaymentSessionStatus];

export const PaymentActions = {
  SUCCESSFUL: 'captured',
  AUTHORIZED: 'authorized',
  PENDING: 'pending',
  REQUIRES_MORE: 'requires_more',
  CANCELED: 'canceled',
  FAILED: 'failed',
  NOT_SUPPORTED: 'not_supported',
} as const;
export type PaymentActions = (typeof PaymentActions)[keyof typeof PaymentActions];

/** Medusa's BigNumberInput: a number, a decimal string, a BigNumber, or its raw value. */
export type BigNumberInput = number | string | { raw?: { value: string | number }; toString(): string } | { value: string | number; precision?: number };

export type PaymentData = Record<string, unknown>;

export interface PaymentProviderContext {
  idempotency_key?: string;
  customer?: { id?: string; email?: string };
  [key: string]: unknown;
}

export interface InitiatePaymentInput {
  amount: BigNumberInput;
  currency_code: string;
  data?: PaymentData;
  context?: PaymentProviderContext;
}
export interface InitiatePaymentOutput {
  id: string;
  data?: PaymentData;
  status?: PaymentSessionStatus;
}
export interface PaymentInput {
  data?: PaymentData;
  context?: PaymentProviderContext;
}
export interface RefundPaymentInput extends PaymentInput {
  amount: BigNumberInput;
}
export interface UpdatePaymentInput extends PaymentInput {
  amount: BigNumberInput;
  currency_code: string;
}
export interface StatusOutput {
  data?: PaymentData;
  status: PaymentSessionStatus;
}
export interface DataOutput {
  data?: PaymentData;
}

/** What Medusa's /hooks/payment/<provider> route hands the provider. */
export interface ProviderWebhookPayload {
  data: Record<string, unknown>;
  rawData: string | Buffer;
  headers: Record<string, unknown>;
}
export interface WebhookActionResult {
  action: PaymentActions;
  data?: { session_id: string; amount: BigNumberInput };
}

/** The constructor shape of Medusa's AbstractPaymentProvider. */
export type ProviderBase = abstract new (cradle: Record<string, unknown>, config?: Record<string, unknown>) => object;
