/**
 * @tender/plugin-saleor: a Saleor payment app served by the Tender gateway.
 */
export { createSaleorPlugin, plugin, SaleorPluginOptions } from './saleor.plugin';
export { saleorManifest, SALEOR_WEBHOOKS } from './saleor-manifest';
export { SaleorSignatureVerifier, SaleorSignatureVerifierOptions, SaleorStore } from './saleor-signature.verifier';
export { SaleorAppTokenVerifier, SaleorAppTokenVerifierOptions } from './saleor-app-token.verifier';
export { SaleorInstallationService, SaleorInstallation, SaleorInstallationView } from './saleor-installation.service';
export { toMinorUnits, fromMinorUnits } from './saleor-amount';
export { SaleorSyncResponse, SaleorResult } from './saleor-payloads';
