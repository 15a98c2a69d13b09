/** Where the gateway publishes the CA certificate (PEM by default, DER on request). */
export const CA_CERTIFICATE_PATH = '/ca/certificate';
/** The CA certificate, always DER: the form an AIA caIssuers URI must serve (RFC 5280 4.2.2.1, RFC 2585 names it .cer). */
export const CA_CERTIFICATE_DER_PATH = '/ca/certificate.cer';
/** The current CRL, DER by default (RFC 5280 4.2.1.13). */
export const CRL_PATH = '/ca/crl';

/**
 * The absolute URLs written into every payer certificate, so relying parties find
 * the issuer and the revocation list without being told.
 *
 * @example
 * ```ts
 * caPublicationUrls('http://pay.example.com');
 * // { caCertificate: 'http://pay.example.com/ca/certificate.cer', crl: 'http://pay.example.com/ca/crl' }
 * ```
 */
export function caPublicationUrls(baseUrl: string): { readonly caCertificate: string; readonly crl: string } {
  // URIs in certificates are IA5String: an internationalised host goes in as punycode, a path percent-encoded.
  const base = new URL(baseUrl).href.replace(/\/+$/, '');
  return { caCertificate: `${base}${CA_CERTIFICATE_DER_PATH}`, crl: `${base}${CRL_PATH}` };
}
