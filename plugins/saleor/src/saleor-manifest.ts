/** The sync webhooks the app subscribes to, with the path each is delivered to. */
export const SALEOR_WEBHOOKS = [
  { event: 'TRANSACTION_INITIALIZE_SESSION', path: 'transaction-initialize-session', type: 'TransactionInitializeSession', session: true },
  { event: 'TRANSACTION_PROCESS_SESSION', path: 'transaction-process-session', type: 'TransactionProcessSession', session: true },
  { event: 'TRANSACTION_CHARGE_REQUESTED', path: 'transaction-charge-requested', type: 'TransactionChargeRequested', session: false },
  { event: 'TRANSACTION_REFUND_REQUESTED', path: 'transaction-refund-requested', type: 'TransactionRefundRequested', session: false },
  { event: 'TRANSACTION_CANCELATION_REQUESTED', path: 'transaction-cancelation-requested', type: 'TransactionCancelationRequested', session: false },
  { event: 'LIST_STORED_PAYMENT_METHODS', path: 'list-stored-payment-methods', type: 'ListStoredPaymentMethods', session: false },
  {
    event: 'STORED_PAYMENT_METHOD_DELETE_REQUESTED',
    path: 'stored-payment-method-delete-requested',
    type: 'StoredPaymentMethodDeleteRequested',
    session: false,
  },
] as const;

function subscription(type: string, session: boolean): string {
  if (type === 'ListStoredPaymentMethods') return `subscription { event { ... on ${type} { user { id } channel { slug } } } }`;
  if (type === 'StoredPaymentMethodDeleteRequested') return `subscription { event { ... on ${type} { user { id } paymentMethodId channel { slug } } } }`;
  const extra = session ? ' sourceObject { __typename ... on Checkout { id user { id } } ... on Order { id user { id } } } idempotencyKey data' : '';
  return `subscription { event { ... on ${type} { action { amount currency actionType } transaction { id pspReference }${extra} } } }`;
}

/**
 * Saleor's app manifest for this gateway (served at GET /saleor/manifest). The same for
 * every store but for the token target: the manifest URL of a declaration carries its
 * one-time install secret, which the register URL passes back to Tender.
 *
 * @example
 * ```ts
 * saleorManifest('https://pay.example.com', 'sis_...').tokenTargetUrl; // 'https://pay.example.com/saleor/register?install=sis_...'
 * ```
 */
export function saleorManifest(publicUrl: string, installSecret?: string): Record<string, unknown> {
  const base = `${publicUrl}/saleor`;
  return {
    id: 'tender.payments',
    version: '0.1.0',
    name: 'Tender',
    about: 'Card payments through a Tender gateway',
    permissions: ['HANDLE_PAYMENTS'],
    appUrl: `${base}/app`,
    tokenTargetUrl: installSecret === undefined ? `${base}/register` : `${base}/register?install=${encodeURIComponent(installSecret)}`,
    dataPrivacyUrl: `${publicUrl}/`,
    homepageUrl: `${publicUrl}/`,
    supportUrl: `${publicUrl}/`,
    brand: null,
    webhooks: SALEOR_WEBHOOKS.map((w) => ({
      name: `Tender ${w.event}`,
      syncEvents: [w.event],
      query: subscription(w.type, w.session),
      targetUrl: `${base}/webhooks/${w.path}`,
      isActive: true,
    })),
  };
}
