import { inject, injectable } from 'tsyringe';
import { TenderError } from '../errors/tender-error';
import { TlsClientCertificateAuthenticator } from '../certificates/tls-client-certificate.authenticator';
import { AccountPaymentService } from '../methods/account/account-payment.service';
import { AccountPaymentMethod } from '../methods/account/account.method';
import { Payment } from '../payments/payment';
import { FormTokenService } from './form-token.service';
import { HostedPageService, OPEN_STATUSES, PageAnswer } from './hosted-page.service';
import { PageTheme } from './page-theme';
import { chooseLocale, message } from './page-locale';

/** The account form as posted (application/x-www-form-urlencoded). */
export interface AccountFormFields {
  readonly account_number?: unknown;
  readonly form_token?: unknown;
}

/** Account-form refusals the page explains in the buyer's language; any other code falls back to `account_error.other`. */
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
 * POST /pay/:token/account: "pay from personal account" in the browser. The payer
 * is proven by the TLS client certificate the browser presented in the handshake
 * (only the TLS authenticator: a form post carries no signed body), then the payment
 * goes through AccountPaymentService.confirm, the same path as the payer-app route.
 * The page's one-time form token guards it exactly like the card form; a refusal is
 * shown next to the account field with its catalogue code and charges nothing, and
 * anything else redirects to GET, which shows the outcome and the signed return link.
 *
 * @example
 * ```ts
 * const answer = await accountPages.submit(payment, req.body, tlsClientCertificate(req), { nonce, acceptLanguage });
 * ```
 */
@injectable()
export class AccountPageService {
  private readonly method = new AccountPaymentMethod();

  constructor(
    @inject(HostedPageService) private readonly pages: HostedPageService,
    @inject(FormTokenService) private readonly formTokens: FormTokenService,
    @inject(PageTheme) private readonly theme: PageTheme,
    @inject(AccountPaymentService) private readonly accountPayments: AccountPaymentService,
    @inject(TlsClientCertificateAuthenticator) private readonly tls: TlsClientCertificateAuthenticator,
  ) {}

  async submit(payment: Payment, fields: AccountFormFields, tlsClientCertificate: Buffer | undefined, request: { nonce: string; acceptLanguage: string | undefined }): Promise<PageAnswer> {
    const again: PageAnswer = { kind: 'redirect', location: `/pay/${payment.pageToken}` };
    // The merchant's standing before the form token is used: a refusal writes nothing.
    const { refused } = await this.pages.standingOf(payment, request);
    if (refused !== undefined) return refused;
    if (!(await this.formTokens.consume(payment.id, fields.form_token))) return again;
    if (this.pages.isExpired(payment) || !OPEN_STATUSES.has(payment.status)) return again;
    const typed = typeof fields.account_number === 'string' ? fields.account_number.replace(/\s+/g, '').slice(0, 34) : '';
    try {
      if (typed === '') throw new TenderError('parameter_missing', { param: 'account.number' });
      const prepared = this.method.prepare({ number: typed });
      if (tlsClientCertificate === undefined) throw new TenderError('certificate_missing');
      const payer = await this.tls.authenticate({ method: 'POST', path: `/pay/${payment.pageToken}/account`, headers: {}, rawBody: Buffer.alloc(0), tlsClientCertificate });
      await this.accountPayments.confirm(payment.pageToken, payer, { number: prepared.type === 'account' ? prepared.account.number : undefined });
    } catch (error) {
      if (!(error instanceof TenderError)) throw error;
      // Another submission got there first: show where the payment is.
      if (error.status === 409) return again;
      const locale = chooseLocale(payment.locale, request.acceptLanguage);
      const text = message(this.theme.messages, locale, `account_error.${EXPLAINED.has(error.code) ? error.code : 'other'}`);
      return this.pages.show(payment, request, undefined, error.status, { number: typed, error: text, errorCode: error.code });
    }
    return again;
  }
}
