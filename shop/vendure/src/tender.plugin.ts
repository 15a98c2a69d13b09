import { PluginCommonModule, VendurePlugin } from '@vendure/core';
import { raw } from 'express';
import { tenderPaymentHandler } from './tender-payment.handler';
import { TenderCheckoutService } from './tender-checkout.service';
import { TenderShopResolver, tenderShopApiExtensions } from './tender-shop.resolver';
import { TENDER_WEBHOOK_ROUTE, TenderWebhookController } from './tender-webhook.controller';

/**
 * Tender payments for Vendure 3: registers the `tender` payment handler, the shop
 * mutation `createTenderPaymentIntent` and the webhook controller at /payments/tender.
 *
 * @example
 * ```ts
 * import { TenderPlugin } from '@tender/vendure-plugin';
 * export const config: VendureConfig = { ..., plugins: [TenderPlugin] };
 * ```
 */
@VendurePlugin({
  imports: [PluginCommonModule],
  providers: [TenderCheckoutService],
  controllers: [TenderWebhookController],
  shopApiExtensions: { schema: tenderShopApiExtensions, resolvers: [TenderShopResolver] },
  configuration: (config) => {
    config.paymentOptions.paymentMethodHandlers.push(tenderPaymentHandler);
    // Before Nest's JSON parser: the webhook controller needs the exact bytes Tender signed.
    config.apiOptions.middleware.push({ route: `/${TENDER_WEBHOOK_ROUTE}`, handler: raw({ type: () => true, limit: '1mb' }), beforeListen: true });
    return config;
  },
  compatibility: '^3.0.0',
})
export class TenderPlugin {}
