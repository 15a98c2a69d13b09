/**
 * @tender/plugin-accounts: payments from a payer's personal account and the payer
 * certificate authority (docs/certificates.md, docs/payer-apps.md).
 */
export { plugin, plugin as default } from './accounts.plugin';
export { commands } from './cli/commands';
export { accountsTables } from './migrations/001-accounts-tables';
export { AccountPaymentMethod, AccountInput, accountInputSchema, accountNeedsPayer } from './account/account.method';
export { AccountPage } from './account/account-page';
export { AccountPaymentSettings } from './account/account-payment-settings';
export { CertificateAuthority, LoadedCa, CaAlreadyExistsError } from './certificates/certificate-authority';
export { CertificateIssuer } from './certificates/certificate-issuer';
export { CertificateRepository, CertificateRecord, certificateView } from './certificates/certificate.repository';
export { CertificateVerifier } from './certificates/certificate-verifier';
export { CrlPublisher } from './certificates/crl-publisher';
export { PayerService, PayerAccount, PayerView, accountSchema, createPayerSchema } from './certificates/payer.service';
export { SignedRequestAuthenticator, SIGNATURE_HEADER } from './certificates/signed-request.authenticator';
export { TlsClientCertificateAuthenticator } from './certificates/tls-client-certificate.authenticator';
export { CaDirectory } from './certificates/payer-certificate-directory.provider';
export { strictProfileProblems } from './certificates/strict-profile';
export { caPublicationUrls } from './certificates/ca-urls';
export { normalizeSerial, randomSerialHex } from './certificates/x509';
export { openCaKey, sealCaKey } from './certificates/ca-key-sealer';
export * as der from './certificates/der';
export { KEY_USAGE, OIDS } from './certificates/x509-builder';
export { caCommand, CA_USAGE } from './cli/ca.command';
export { certsCommand, CERTS_USAGE } from './cli/certs.command';
