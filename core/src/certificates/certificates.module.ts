import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Express } from 'express';
import { DependencyContainer } from 'tsyringe';
import { TenderConfig } from '../config/config';
import { PAYMENT_METHOD, PaymentMethod } from '../methods/payment-method';
import { AccountPaymentMethod } from '../methods/account/account.method';
import { AccountPaymentService } from '../methods/account/account-payment.service';
import { AccountPaymentSettings } from '../methods/account/account-payment-settings';
import { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator, CertificateAuthenticatorRegistry } from './certificate-authenticator';
import { CertificateAuthority } from './certificate-authority';
import { CertificateIssuer } from './certificate-issuer';
import { CertificateRepository } from './certificate.repository';
import { CertificateVerifier } from './certificate-verifier';
import { CrlPublisher } from './crl-publisher';
import { PayerService } from './payer.service';
import { SignedRequestAuthenticator } from './signed-request.authenticator';
import { TlsClientCertificateAuthenticator } from './tls-client-certificate.authenticator';

const SINGLETONS = [CertificateAuthority, CertificateRepository, CertificateIssuer, CertificateVerifier, CrlPublisher, PayerService, AccountPaymentSettings, AccountPaymentService, CertificateAuthenticatorRegistry] as const;

/**
 * Registers the account payment method and the two built-in certificate
 * authenticators (before plugins, which may add more under CERTIFICATE_AUTHENTICATOR).
 */
export function registerCertificates(container: DependencyContainer): void {
  container.register<PaymentMethod>(PAYMENT_METHOD, { useValue: new AccountPaymentMethod() });
  container.register<CertificateAuthenticator>(CERTIFICATE_AUTHENTICATOR, { useClass: SignedRequestAuthenticator });
  container.register<CertificateAuthenticator>(CERTIFICATE_AUTHENTICATOR, { useClass: TlsClientCertificateAuthenticator });
}

/**
 * After plugins: singletons, the authenticator registry resolved (a duplicate code
 * fails the start), and on the embedded default a CA created at first start.
 */
export async function startCertificates(container: DependencyContainer, config: TenderConfig): Promise<void> {
  for (const cls of SINGLETONS) container.registerSingleton(cls as never);
  container.resolve(CertificateAuthenticatorRegistry);
  if (config.database.client === 'sqlite' && config.database.embeddedDefault) {
    await container.resolve(CertificateAuthority).ensure(`Tender payer CA (${new URL(config.publicUrl).host})`);
  }
}

/**
 * HTTP, or HTTPS when TENDER_TLS_CERT_FILE/KEY_FILE are set. Over HTTPS the server
 * asks every client for a certificate (naming the operator's CA, so browsers offer
 * the right one) but accepts connections without one or with an unverified one:
 * only the account-payment routes look at it, through the TLS authenticator.
 */
export async function createGatewayServer(app: Express, config: TenderConfig, container: DependencyContainer): Promise<http.Server | https.Server> {
  const { tlsCertFile, tlsKeyFile } = config.certificates;
  if (tlsCertFile === undefined || tlsKeyFile === undefined) return http.createServer(app);
  const ca = await container.resolve(CertificateAuthority).active();
  return https.createServer(
    {
      cert: fs.readFileSync(tlsCertFile),
      key: fs.readFileSync(tlsKeyFile),
      requestCert: true,
      rejectUnauthorized: false,
      ...(ca === undefined ? {} : { ca: [ca.certificatePem] }),
    },
    app,
  );
}
