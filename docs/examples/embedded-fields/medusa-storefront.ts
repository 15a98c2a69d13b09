// Medusa v2 storefront (e.g. the Next.js starter), the card step of the checkout.
// The provider is `pp_tender_tender` (shop/medusa/README.md). Its payment session's
// data.payment_url is the payment's client secret: the fields confirm it in the
// browser, then cart.complete lets the provider's authorizePayment read the payment
// back from Tender (it never trusts the browser).
import Medusa from '@medusajs/js-sdk';
import { loadTender, TenderCardFields } from '@tender/js';

const sdk = new Medusa({ baseUrl: process.env.NEXT_PUBLIC_MEDUSA_BACKEND_URL ?? '', publishableKey: process.env.NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY });

export async function mountTenderCard(): Promise<{ pay(cartId: string): Promise<string> }> {
  const Tender = await loadTender(process.env.NEXT_PUBLIC_TENDER_URL ?? '');
  const tender = Tender(process.env.NEXT_PUBLIC_TENDER_PUBLISHABLE_KEY ?? '');
  const card: TenderCardFields = tender.cardFields({ style: { fontSize: '16px' } }).mount({ number: '#card-number', expiry: '#card-expiry', cvc: '#card-cvc' });

  return {
    async pay(cartId) {
      const { cart } = await sdk.store.cart.retrieve(cartId);
      const { payment_collection } = await sdk.store.payment.initiatePaymentSession(cart, { provider_id: 'pp_tender_tender' });
      const session = payment_collection.payment_sessions?.find((s) => s.provider_id === 'pp_tender_tender');
      const clientSecret = String(session?.data?.payment_url ?? '');
      // 3-D Secure, when the issuer asks, opens in a modal over this page.
      const result = await tender.confirmPayment(card, { clientSecret });
      if (result.error !== undefined) return result.error.message;
      const completed = await sdk.store.cart.complete(cartId);
      return completed.type === 'order' ? `Order ${completed.order.display_id} placed` : completed.error.message;
    },
  };
}
