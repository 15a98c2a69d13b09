import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Express } from 'express';
import { DependencyContainer } from 'tsyringe';
import { TenderConfig } from '../config/config';
import { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator, CertificateAuthenticatorRegistry } from './certificate-authenticator';
import { PAYER_CERTIFICATE_DIRECTORY, PayerCertificateDirectory } from './payer-certificate-directory';

/**
 * After plugins: the authenticators plugins registered, in registration order, in
 * one registry (a duplicate code fails the start). None registered is allowed: a
 * gateway without payer certificates then refuses every proof with certificate_missing.
 */
export function startCertificateAuthentication(container: DependencyContainer): void {
  const authenticators = container.isRegistered(CERTIFICATE_AUTHENTICATOR) ? container.resolveAll<CertificateAuthenticator>(CERTIFICATE_AUTHENTICATOR) : [];
  container.register(CertificateAuthenticatorRegistry, { useValue: new CertificateAuthenticatorRegistry(authenticators) });
}

/**
 * HTTP, or HTTPS when TENDER_TLS_CERT_FILE/KEY_FILE are set. Over HTTPS the server
 * asks every client for a certificate (naming the operator's payer CA when a plugin
 * provides one, so browsers offer the right one) but accepts connections without
 * one or with an unverified one: only the routes of methods that need a payer look
 * at it, through a CertificateAuthenticator.
 */
export async function createGatewayServer(app: Express, config: TenderConfig, container: DependencyContainer): Promise<http.Server | https.Server> {
  const { tlsCertFile, tlsKeyFile } = config.certificates;
  if (tlsCertFile === undefined || tlsKeyFile === undefined) return http.createServer(app);
  const directory = container.isRegistered(PAYER_CERTIFICATE_DIRECTORY) ? container.resolve<PayerCertificateDirectory>(PAYER_CERTIFICATE_DIRECTORY) : undefined;
  const ca = await directory?.activeCaPem();
  return https.createServer(
    {
      cert: fs.readFileSync(tlsCertFile),
      key: fs.readFileSync(tlsKeyFile),
      requestCert: true,
      rejectUnauthorized: false,
      ...(ca === undefined ? {} : { ca: [ca] }),
    },
    app,
  );
}
