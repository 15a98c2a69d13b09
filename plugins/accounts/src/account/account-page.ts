import fs from 'node:fs';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import {
  CONFIG,
  DATABASE,
  Database,
  MethodPageRefusal,
  MethodPageRequest,
  MethodPageSubmission,
  MethodPageView,
  Payment,
  PaymentMethodPage,
  TenderConfig,
  TenderError,
} from '@tender/core';
import { TlsClientCertificateAuthenticator } from '../certificates/tls-client-certificate.authenticator';
import { AccountPaymentSettings } from './account-payment-settings';

/** Where the plugin's page files are: next to dist/ in the package. */
const PACKAGE_DIR = path.join(__dirname, '..', '..');

/** Refusals the page explains in the buyer's language; any other code falls back to `error.other`. */
const EXPLAINED = new Set([
  'certificate_missing',
  'certificate_expired',
  'certificate_not_yet_valid',
  'certificate_revoked',
  'certificate_untrusted',
  'certificate_wrong_usage',
  'certificate_not_bound',
  'account_payments_disabled',
  'no_bank_connection',
  'parameter_missing',
  'parameter_invalid',
]);

/**
 * "Pay from personal account" on the hosted page, the account method's part of the
 * payment form island (templates/account-option.hbs, its style sheet
 * account-option.css, texts in locales/). Offered when
 * the merchant has `account_payments_enabled`. Its form (`/pay/<token>/account`) is
 * there only when the gateway serves HTTPS itself, because only then can the browser
 * present its certificate in the TLS handshake, which proves the payer (the TLS
 * authenticator only: a form post carries no signed body); otherwise the part
 * explains that the payer's app signs the confirmation at `/pay-account/<token>/confirm`
 * (docs/payer-apps.md). A refusal is shown next to the account field with its
 * catalogue code and charges nothing.
 *
 * @example
 * ```ts
 * const offered = await accountPage.offered(payment); // false while the merchant has it off
 * ```
 */
@injectable()
export class AccountPage implements PaymentMethodPage {
  readonly template = fs.readFileSync(path.join(PACKAGE_DIR, 'templates', 'account-option.hbs'), 'utf8');
  /** Its own look (the theme styles only its shared classes: field, hint, pay-button). */
  readonly styles = fs.readFileSync(path.join(PACKAGE_DIR, 'templates', 'account-option.css'), 'utf8');
  readonly path = 'account';
  readonly fields = ['account_number'];
  readonly keep = ['account_number'];
  readonly messages = {
    en: readMessages('en'),
    ru: readMessages('ru'),
    ar: readMessages('ar'),
  };

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(AccountPaymentSettings) private readonly settings: AccountPaymentSettings,
    @inject(TlsClientCertificateAuthenticator) private readonly tls: TlsClientCertificateAuthenticator,
  ) {}

  /** True when the gateway itself terminates TLS and asks browsers for a client certificate. */
  get servesTls(): boolean {
    return this.config.certificates.tlsCertFile !== undefined && this.config.certificates.tlsKeyFile !== undefined;
  }

  offered(payment: Payment): Promise<boolean> {
    return this.settings.enabled(this.db, payment.merchantId);
  }

  context(view: MethodPageView): Record<string, unknown> {
    return {
      account: {
        form: this.servesTls,
        action: view.action,
        app_path: `/pay-account/${view.payment.pageToken}/confirm`,
        number: view.state.values.account_number ?? '',
        error: view.state.errors.account_number ?? null,
        error_code: view.state.code,
      },
    };
  }

  async submission(posted: Readonly<Record<string, string>>, request: MethodPageRequest): Promise<MethodPageSubmission> {
    const typed = (posted.account_number ?? '').replace(/\s+/g, '').slice(0, 34);
    if (typed === '') throw new TenderError('parameter_missing', { param: 'account.number' });
    if (!/^[0-9A-Za-z]{5,34}$/.test(typed))
      throw new TenderError('parameter_invalid', { param: 'account.number', message: 'account.number must be 5 to 34 letters or digits.' });
    if (request.tlsClientCertificate === undefined) throw new TenderError('certificate_missing');
    const payer = await this.tls.authenticate({
      method: 'POST',
      path: request.path,
      headers: {},
      rawBody: Buffer.alloc(0),
      tlsClientCertificate: request.tlsClientCertificate,
    });
    return { input: { number: typed }, payer };
  }

  refusal(error: TenderError): MethodPageRefusal {
    return { status: error.status, errors: { account_number: `m.error.${EXPLAINED.has(error.code) ? error.code : 'other'}` }, code: error.code };
  }
}

function readMessages(locale: string): Readonly<Record<string, unknown>> {
  return JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'locales', `${locale}.json`), 'utf8')) as Record<string, unknown>;
}
