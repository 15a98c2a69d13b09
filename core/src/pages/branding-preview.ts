import { inject, injectable } from 'tsyringe';
import { Branding } from '../branding/branding';
import { HostedPageService } from './hosted-page.service';
import { basicContext, merchantContext, paymentContext } from './page-context';
import { PageLocale, message } from './page-locale';
import { PageTheme } from './page-theme';

/**
 * The payment page as a branding would show it, filled with a sample order and an
 * inert form (no token, posts nowhere): what POST /v1/branding/preview answers and
 * what the dashboard's branding editor frames, rendered by the same theme as a real
 * payment's page so the preview cannot drift from it.
 *
 * @example
 * ```ts
 * const html = await previews.render(ctx.merchantId, await branding.merged(ctx, input), 'en', nonce);
 * ```
 */
@injectable()
export class BrandingPreview {
  constructor(
    @inject(PageTheme) private readonly theme: PageTheme,
    @inject(HostedPageService) private readonly pages: HostedPageService,
  ) {}

  async render(merchantId: string, branding: Branding, locale: PageLocale, nonce: string): Promise<string> {
    const name = await this.pages.merchantName(merchantId);
    return this.theme.render(
      'payment',
      {
        ...basicContext({ locale, messages: this.theme.messages[locale], nonce, branding }, `${message(this.theme.messages, locale, 'title')}: ${name}`),
        merchant: merchantContext(name, branding),
        payment: paymentContext({ amount: 150000, currency: 'RUB', description: 'Sample order: 2 items', orderId: 'PREVIEW-1001' }, locale),
        form: { action: '#', token: 'preview', holder_name: '', errors: {}, alert: null, alert_title: null, alert_retry: null },
      },
      branding.template,
    );
  }
}
