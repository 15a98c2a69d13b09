import { DependencyContainer } from 'tsyringe';
import { PAYER_CERTIFICATE_DIRECTORY, PluginContext, TenderPlugin } from '@tender/core';
import { AccountPaymentMethod } from './account/account.method';
import { AccountPaymentSettings } from './account/account-payment-settings';
import { AccountPage } from './account/account-page';
import { CertificateAuthority } from './certificates/certificate-authority';
import { CertificateIssuer } from './certificates/certificate-issuer';
import { CertificateRepository } from './certificates/certificate.repository';
import { CertificateVerifier } from './certificates/certificate-verifier';
import { CrlPublisher } from './certificates/crl-publisher';
import { PayerService } from './certificates/payer.service';
import { SignedRequestAuthenticator } from './certificates/signed-request.authenticator';
import { TlsClientCertificateAuthenticator } from './certificates/tls-client-certificate.authenticator';
import { CaDirectory } from './certificates/payer-certificate-directory.provider';
import { caRoutes } from './http/ca.routes';
import { payAccountRoutes } from './http/pay-account.routes';
import { adminCertificateRoutes } from './http/admin-certificates.routes';

/** This plugin's services, one instance each per gateway (the CA caches its key; the verifier its CRL state). */
const SINGLETONS = [CertificateAuthority, CertificateRepository, CertificateIssuer, CertificateVerifier, CrlPublisher, PayerService, AccountPaymentSettings, AccountPage, AccountPaymentMethod, SignedRequestAuthenticator, TlsClientCertificateAuthenticator, CaDirectory] as const;

/**
 * @tender/plugin-accounts: payments from a payer's personal account, proven by a
 * client certificate the operator's CA issued. It registers, through the plugin API
 * only: the `account` payment method (capability `account_debit`, its part of the
 * hosted page), the two certificate authenticators (signed request, TLS client
 * certificate), the CA's public routes (/ca/...), the payer's confirm route
 * (/pay-account/...), the operator API (/admin/v1/ca, payers, certificates,
 * merchants/:id/account-payments) and core's view of the CA
 * (PAYER_CERTIFICATE_DIRECTORY). On the embedded SQLite default it creates a CA at
 * first start. Its CLI commands (`tender ca`, `tender certs`) are the package's
 * `commands` export.
 *
 * @example
 * ```ts
 * // TENDER_PLUGINS=@tender/adapter-sandbox,@tender/plugin-accounts (the default)
 * const gateway = await Gateway.create(config, { plugins: [sandboxPlugin, accountsPlugin] });
 * ```
 */
export const plugin: TenderPlugin = {
  name: '@tender/plugin-accounts',
  version: '0.1.0',
  coreRange: '^0.1.0',
  async register(ctx: PluginContext) {
    const c = ctx.container;
    for (const cls of SINGLETONS) c.registerSingleton(cls as never);
    ctx.registerPaymentMethod(c.resolve(AccountPaymentMethod));
    // Tried in this order: a signed request first (the payer's app), then the TLS handshake (a browser).
    ctx.registerCertificateAuthenticator(c.resolve(SignedRequestAuthenticator));
    ctx.registerCertificateAuthenticator(c.resolve(TlsClientCertificateAuthenticator));
    c.register(PAYER_CERTIFICATE_DIRECTORY, { useFactory: (dc: DependencyContainer) => dc.resolve(CaDirectory) });
    ctx.registerRoutes('/', caRoutes(c));
    ctx.registerRoutes('/pay-account', payAccountRoutes(c));
    ctx.registerAdminRoutes('/', adminCertificateRoutes(c));
    const { database, publicUrl } = ctx.config;
    if (database.client === 'sqlite' && database.embeddedDefault) {
      await c.resolve(CertificateAuthority).ensure(`Tender payer CA (${new URL(publicUrl).host})`);
    }
  },
};
