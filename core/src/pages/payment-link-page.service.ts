import { inject, injectable } from 'tsyringe';
import { BrandingService } from '../branding/branding.service';
import { MerchantStanding, isStandingRefusal } from '../merchants/merchant-standing';
import { PaymentLink, PaymentLinkService } from '../payment-links/payment-link.service';
import { FormTokenService } from './form-token.service';
import { HostedPageService, PageAnswer, PageRequest } from './hosted-page.service';
import { PageTheme } from './page-theme';
import { chooseLocale, message } from './page-locale';
import { basicContext, merchantContext, paymentContext } from './page-context';

/**
 * /pay/link/:token: the landing page of a payment link. Opening it creates nothing
 * (link previews and crawlers open links too); the button's POST, with a one-time
 * form token, creates the buyer's own payment and redirects to its page. While the
 * merchant may not take payments in the link's mode (suspended, not live, test mode
 * over: MerchantStanding) both answer the localized "unavailable" page, and the POST
 * writes nothing.
 */
@injectable()
export class PaymentLinkPageService {
  constructor(
    @inject(PaymentLinkService) private readonly links: PaymentLinkService,
    @inject(PageTheme) private readonly theme: PageTheme,
    @inject(BrandingService) private readonly branding: BrandingService,
    @inject(FormTokenService) private readonly formTokens: FormTokenService,
    @inject(HostedPageService) private readonly pages: HostedPageService,
    @inject(MerchantStanding) private readonly standing: MerchantStanding,
  ) {}

  findByToken(token: string): Promise<PaymentLink | undefined> {
    return this.links.findByToken(token);
  }

  async show(link: PaymentLink, request: PageRequest): Promise<PageAnswer> {
    const locale = chooseLocale(null, request.acceptLanguage);
    const branding = await this.branding.get({ merchantId: link.merchantId, livemode: link.livemode });
    // The name and the standing in one read: the page needs both.
    const merchant = await this.standing.read(link.merchantId);
    if (this.standing.refusal(merchant?.standing, link.livemode) !== undefined) return this.pages.unavailablePage(request, { locale, branding });
    const name = merchant?.name ?? '';
    const html = this.theme.render('link', {
      ...basicContext(
        { locale, messages: this.theme.messages[locale], nonce: request.nonce, branding },
        `${message(this.theme.messages, locale, 'link_title')}: ${name}`,
      ),
      merchant: merchantContext(name, branding),
      payment: paymentContext({ amount: link.amount, currency: link.currency, description: link.description, orderId: '' }, locale),
      form: { action: `/pay/link/${link.token}`, token: this.formTokens.issue(link.id) },
    });
    return { kind: 'page', status: 200, html, frameAncestors: branding.frameAncestors, formActions: [] };
  }

  async open(link: PaymentLink, formToken: unknown, request: PageRequest): Promise<PageAnswer> {
    // Before the form token is used: a refusal writes nothing.
    const merchant = await this.standing.read(link.merchantId);
    if (this.standing.refusal(merchant?.standing, link.livemode) !== undefined) return this.unavailable(link, request);
    if (!(await this.formTokens.consume(link.id, formToken))) return { kind: 'redirect', location: `/pay/link/${link.token}` };
    try {
      const payment = await this.links.createPayment(link, merchant?.standing);
      return { kind: 'redirect', location: `/pay/${payment.pageToken}` };
    } catch (error) {
      if (isStandingRefusal(error)) return this.unavailable(link, request);
      throw error;
    }
  }

  private async unavailable(link: PaymentLink, request: PageRequest): Promise<PageAnswer> {
    const branding = await this.branding.get({ merchantId: link.merchantId, livemode: link.livemode });
    return this.pages.unavailablePage(request, { locale: chooseLocale(null, request.acceptLanguage), branding });
  }
}
