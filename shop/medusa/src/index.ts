/**
 * @tender/medusa-payment: Tender as a Medusa v2 payment provider.
 *
 * @example
 * ```ts
 * // medusa-config.ts: modules: [{ resolve: '@medusajs/medusa/payment', options: { providers: [
 * //   { resolve: '@tender/medusa-payment', id: 'tender', options: { apiKey, baseUrl, webhookSecret } } ] } }]
 * ```
 */
import { ModuleProvider, Modules } from '@medusajs/utils';
import { TenderPaymentProvider } from './tender-payment.provider';

export { TenderPaymentProvider, TenderProviderOptions } from './tender-payment.provider';
export { toMinorUnits, fromMinorUnits, minorUnitDigits } from './medusa-amount';

export default ModuleProvider(Modules.PAYMENT, { services: [TenderPaymentProvider] });
