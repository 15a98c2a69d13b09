/**
 * @tender/plugin-saleor: a Saleor payment app served by the Tender gateway.
 */
export { createSaleorPlugin, plugin, SaleorPluginOptions, SALEOR_APP_PATH } from './saleor.plugin';
export { saleorTables } from './migrations/001-saleor-tables';
export { saleorOutsideRefunds } from './migrations/002-saleor-outside-refunds';
export { saleorInstallSecrets } from './migrations/003-saleor-install-secrets';
export { saleorCustomers } from './migrations/004-saleor-customers';
export { SaleorSavedCards, SaleorStoredPaymentMethod, SaleorDeleteAnswer } from './saleor-saved-cards';
export { saleorManifest, SALEOR_WEBHOOKS } from './saleor-manifest';
export { SaleorSignatureVerifier, SaleorSignatureVerifierOptions, SaleorStore } from './saleor-signature.verifier';
export { SaleorAppTokenVerifier, SaleorAppTokenVerifierOptions } from './saleor-app-token.verifier';
export { SaleorInstallationService, SaleorInstallation, SaleorInstallationView } from './saleor-installation.service';
export { toMinorUnits, fromMinorUnits } from './saleor-amount';
export { SaleorSyncResponse, SaleorResult } from './saleor-payloads';
