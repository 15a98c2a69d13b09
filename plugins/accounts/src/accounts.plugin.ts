import { PAYER_CERTIFICATE_DIRECTORY, PayerCertificateDirectory, PluginContext, definePlugin, routerOnFirstRequest } from '@tender/core';
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
import { accountsTables } from './migrations/001-accounts-tables';

/** This plugin's services, one instance each per gateway (the CA caches its key; the verifier its CRL state). */
const SINGLETONS = [
  CertificateAuthority,
  CertificateRepository,
  CertificateIssuer,
  CertificateVerifier,
  CrlPublisher,
  PayerService,
  AccountPaymentSettings,
  AccountPage,
  AccountPaymentMethod,
  SignedRequestAuthenticator,
  TlsClientCertificateAuthenticator,
  CaDirectory,
] as const;

/**
 * @tender/plugin-accounts: payments from a payer's personal account, proven by a
 * client certificate the operator's CA issued. It registers, through the plugin API
 * only: the `account` payment method (capability `account_debit`, its part of the
 * hosted page), the two certificate authenticators (signed request, TLS client
 * certificate), the CA's public routes (/ca/...), the payer's confirm route
 * (/pay-account/...), the operator API (/admin/v1/ca, payers, certificates,
 * merchants/:id/account-payments), core's view of the CA
 * (PAYER_CERTIFICATE_DIRECTORY) and the `certificate_authority` readiness check. On the embedded SQLite default it creates a CA at
 * first start. Its CLI commands (`tender ca`, `tender certs`) are the package's
 * `commands` export.
 *
 * @example
 * ```ts
 * // TENDER_PLUGINS=@tender/adapter-sandbox,@tender/plugin-accounts,@tender/dashboard (the default)
 * const gateway = await Gateway.create(config, { plugins: [sandboxPlugin, accountsPlugin] });
 * ```
 */
export const plugin = definePlugin({
  name: '@tender/plugin-accounts',
  version: '0.1.0',
  coreRange: '^0.1.0',
  // Its own tables (core's 008-certificates created them until core 0.1; core's 031 adopts them).
  migrations: [accountsTables],
  setup(ctx) {
    for (const cls of SINGLETONS) ctx.registerService<object>(cls);
    ctx.registerPaymentMethod(AccountPaymentMethod);
    // Tried in this order: a signed request first (the payer's app), then the TLS handshake (a browser).
    ctx.registerCertificateAuthenticator(SignedRequestAuthenticator);
    ctx.registerCertificateAuthenticator(TlsClientCertificateAuthenticator);
    ctx.registerValue<PayerCertificateDirectory>(PAYER_CERTIFICATE_DIRECTORY, directoryOf(ctx));
    // Built at the first request: the routers resolve services, which the start phase allows.
    ctx.registerRoutes(
      '/',
      routerOnFirstRequest(() => caRoutes(ctx)),
      { publicPaths: ['/ca'] },
    );
    ctx.registerRoutes(
      '/pay-account',
      routerOnFirstRequest(() => payAccountRoutes(ctx)),
      { publicPaths: ['/pay-account'] },
    );
    ctx.registerAdminRoutes(
      '/',
      routerOnFirstRequest(() => adminCertificateRoutes(ctx)),
    );
    ctx.registerReadinessCheck({ name: 'certificate_authority', check: () => ctx.resolve(CertificateAuthority).readiness() });
    return {
      async start() {
        const { database, publicUrl } = ctx.core.config;
        if (database.client === 'sqlite' && database.embeddedDefault) {
          await ctx.resolve(CertificateAuthority).ensure(`Tender payer CA (${new URL(publicUrl).host})`);
        }
      },
    };
  },
});

/** Core's view of the CA, answered by CaDirectory once the gateway has started. */
function directoryOf(ctx: PluginContext): PayerCertificateDirectory {
  return {
    activeCaPem: () => ctx.resolve(CaDirectory).activeCaPem(),
    activeCa: () => ctx.resolve(CaDirectory).activeCa(),
    list: (filter) => ctx.resolve(CaDirectory).list(filter),
  };
}
