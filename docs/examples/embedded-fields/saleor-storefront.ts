// Saleor storefront, the card step of the checkout (plugins/saleor/README.md).
// transactionInitialize with the app id `tender.payments` answers
// *_ACTION_REQUIRED with data.payment_url: the fields confirm it as the client
// secret, then transactionProcess asks the app for the payment's state (Tender also
// reports it to Saleor with transactionEventReport).
import { loadTender } from '@tender/js';

async function saleor<T>(apiUrl: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(apiUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return ((await response.json()) as { data: T }).data;
}

const INITIALIZE = `mutation ($checkoutId: ID!) {
  transactionInitialize(id: $checkoutId, paymentGateway: { id: "tender.payments" }) {
    transaction { id } transactionEvent { type } data errors { message }
  }
}`;
const PROCESS = `mutation ($transactionId: ID!) {
  transactionProcess(id: $transactionId) { transactionEvent { type message } errors { message } }
}`;

export async function payWithTenderFields(apiUrl: string, checkoutId: string, gatewayUrl: string, publishableKey: string): Promise<string> {
  const Tender = await loadTender(gatewayUrl);
  const tender = Tender(publishableKey);
  const card = tender.cardFields().mount({ number: '#card-number', expiry: '#card-expiry', cvc: '#card-cvc' });
  await new Promise<void>((resolve) => document.getElementById('pay')?.addEventListener('click', () => resolve(), { once: true }));

  type Initialized = { transactionInitialize: { transaction: { id: string }; data: { payment_url?: string } | null; errors: { message: string }[] } };
  const { transactionInitialize: init } = await saleor<Initialized>(apiUrl, INITIALIZE, { checkoutId });
  if (init.errors.length > 0 || init.data?.payment_url === undefined) return init.errors[0]?.message ?? 'Tender did not start the payment';
  const result = await tender.confirmPayment(card, { clientSecret: init.data.payment_url });
  if (result.error !== undefined) return result.error.message;
  type Processed = { transactionProcess: { transactionEvent: { type: string } | null; errors: { message: string }[] } };
  const { transactionProcess } = await saleor<Processed>(apiUrl, PROCESS, { transactionId: init.transaction.id });
  return transactionProcess.errors[0]?.message ?? transactionProcess.transactionEvent?.type ?? 'pending';
}
