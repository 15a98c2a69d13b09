import { maskPhone } from '../phone/phone-number';
import { TopUp } from './top-up';

/** A top-up as the API and the status page show it: the number masked, never the card. */
export interface TopUpView {
  readonly id: string;
  readonly object: 'top_up';
  readonly status: string;
  readonly phone: string;
  readonly operator: string;
  readonly amount: number;
  readonly fee: number;
  readonly total: number;
  readonly currency: string;
  readonly payment_url: string | null;
  readonly status_url: string;
  readonly created_at: string;
}

export function topUpView(t: TopUp, publicUrl: string, paymentUrl: string | null): TopUpView {
  return {
    id: t.id,
    object: 'top_up',
    status: t.status,
    phone: maskPhone(t.phone),
    operator: t.operatorName,
    amount: t.amount,
    fee: t.fee,
    total: t.total,
    currency: t.currency,
    payment_url: paymentUrl,
    status_url: statusUrl(publicUrl, t.token),
    created_at: new Date(t.createdAt).toISOString(),
  };
}

export function statusUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/plugins/top-up/status/${token}`;
}
