import { CardUsage } from '../cards/saved-card';

/** Where a setup stands: waiting for the card (hosted page) or the bank's challenge, claimed for the void, done. */
export type SetupStatus = 'pending' | 'voiding' | 'succeeded' | 'failed';

/** A setup without charging (one row of `setup_attempts`): a verification payment of core's, voided once approved. */
export interface SetupAttempt {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly customerId: string;
  readonly paymentId: string;
  readonly usage: CardUsage;
  readonly status: SetupStatus;
  readonly paymentMethodId: string | null;
  readonly failureCode: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export function setupAttemptFromRow(row: Record<string, unknown>): SetupAttempt {
  return {
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    customerId: String(row.customer_id),
    paymentId: String(row.payment_id),
    usage: row.usage === 'on_session' ? 'on_session' : 'off_session',
    status: row.status as SetupStatus,
    paymentMethodId: row.payment_method_id === null || row.payment_method_id === undefined ? null : String(row.payment_method_id),
    failureCode: row.failure_code === null || row.failure_code === undefined ? null : String(row.failure_code),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The setup's API form. `status` tells the merchant what to do next. */
export interface SetupAttemptView {
  readonly id: string;
  readonly object: 'setup_attempt';
  readonly customer: string;
  readonly usage: CardUsage;
  /** requires_payment_method: send the buyer to setup_url; requires_action: the bank's challenge waits at setup_url; processing; succeeded; failed. */
  readonly status: 'requires_payment_method' | 'requires_action' | 'processing' | 'succeeded' | 'failed';
  readonly payment_method: string | null;
  /** The verification payment (voided once approved; never captured). */
  readonly payment: string;
  readonly setup_url: string | null;
  readonly failure_code: string | null;
  readonly livemode: boolean;
  readonly created_at: string;
}
