import { inject, injectable } from 'tsyringe';
import { BrandingService } from '../branding/branding.service';
import { PaymentLink, PaymentLinkService } from '../payment-links/payment-link.service';
import { FormTokenService } from './form-token.service';
import { HostedPageService, PageAnswer } from './hosted-page.service';
import { PageTheme } from './page-theme';
import { chooseLocale, message } from './page-locale';
import { basicContext, merchantContext, paymentContext } from './page-context';

/**
 * /pay/link/:token: the landing page of a payment link. Opening it creates nothing
 * (link previews and crawlers open links too); the button's POST, with a one-time
 * form token, creates the buyer's own payment and redirects to its page.
 */
@injectable()
export class PaymentLinkPageService {
  constructor(
    @inject(PaymentLinkService) private readonly links: PaymentLinkService,
    @inject(PageTheme) private readonly theme: PageTheme,
    @inject(BrandingService) private readonly branding: BrandingService,
    @inject(FormTokenService) private readonly formTokens: FormTokenService,
    @inject(HostedPageService) private readonly pages: HostedPageService,
  ) {}

  findByToken(token: string): Promise<PaymentLink | undefined> {
    return this.links.findByToken(token);
  }

  async show(link: PaymentLink, request: { nonce: string; acceptLanguage: string | undefined }): Promise<PageAnswer> {
    const locale = chooseLocale(null, request.acceptLanguage);
    const branding = await this.branding.get({ merchantId: link.merchantId, livemode: link.livemode });
    const name = await this.pages.merchantName(link.merchantId);
    const html = this.theme.render('link', {
      ...basicContext({ locale, messages: this.theme.messages[locale], nonce: request.nonce, branding }, `${message(this.theme.messages, locale, 'link_title')}: ${name}`),
      merchant: merchantContext(name, branding),
      payment: paymentContext({ amount: link.amount, currency: link.currency, description: link.description, orderId: '' }, locale),
      form: { action: `/pay/link/${link.token}`, token: this.formTokens.issue(link.id) },
    });
    return { kind: 'page', status: 200, html, frameAncestors: branding.frameAncestors, formActions: [] };
  }

  async open(link: PaymentLink, formToken: unknown): Promise<PageAnswer> {
    if (!(await this.formTokens.consume(link.id, formToken))) return { kind: 'redirect', location: `/pay/link/${link.token}` };
    const payment = await this.links.createPayment(link);
    return { kind: 'redirect', location: `/pay/${payment.pageToken}` };
  }
}
