// Vendure 3 storefront, the card step of the checkout (shop/vendure/README.md).
// createTenderPaymentIntent answers the Tender payment's paymentUrl: the fields
// confirm it as the client secret, then addPaymentToOrder lets the `tender` handler
// read the payment back from Tender (it refuses one that is not paid or not this
// order's). The webhook does the same when it arrives first.
import { loadTender } from '@tender/js';

const SHOP_API = '/shop-api';

async function shopApi<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(SHOP_API, {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T };
  return body.data;
}

export async function payWithTenderFields(gatewayUrl: string, publishableKey: string): Promise<string> {
  const Tender = await loadTender(gatewayUrl);
  const tender = Tender(publishableKey);
  const card = tender.cardFields().mount({ number: '#card-number', expiry: '#card-expiry', cvc: '#card-cvc' });
  await new Promise<void>((resolve) => document.getElementById('pay')?.addEventListener('click', () => resolve(), { once: true }));

  const { createTenderPaymentIntent: intent } = await shopApi<{ createTenderPaymentIntent: { paymentUrl: string; tenderPaymentId: string } }>(
    'mutation { createTenderPaymentIntent { paymentUrl tenderPaymentId } }',
  );
  const result = await tender.confirmPayment(card, { clientSecret: intent.paymentUrl });
  if (result.error !== undefined) return result.error.message;
  const { addPaymentToOrder } = await shopApi<{ addPaymentToOrder: { code?: string; state?: string; message?: string } }>(
    'mutation ($id: String!) { addPaymentToOrder(input: { method: "tender", metadata: { tenderPaymentId: $id } }) { ... on Order { code state } ... on ErrorResult { message } } }',
    { id: intent.tenderPaymentId },
  );
  return addPaymentToOrder.message ?? `Order ${addPaymentToOrder.code ?? ''}: ${addPaymentToOrder.state ?? ''}`;
}
