/**
 * @tender/vendure-plugin: Tender payments for Vendure 3.
 *
 * @example
 * ```ts
 * import { TenderPlugin } from '@tender/vendure-plugin';
 * plugins: [TenderPlugin]
 * ```
 */
export { TenderPlugin } from './tender.plugin';
export { tenderPaymentHandler, TENDER_HANDLER_CODE } from './tender-payment.handler';
export { TenderCheckoutService, TenderPaymentIntent, WebhookOutcome } from './tender-checkout.service';
export { TenderWebhookController, TENDER_WEBHOOK_ROUTE } from './tender-webhook.controller';
export { TenderShopResolver, tenderShopApiExtensions } from './tender-shop.resolver';
export { settingsFromConfigArgs, TenderMethodSettings } from './tender-method-args';
export { toTenderAmount, fromTenderAmount, currencyDigits } from './tender-amount';
