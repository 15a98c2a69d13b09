import { inject, injectable } from 'tsyringe';
import { Branding, DEFAULT_BRANDING } from '../branding/branding';
import { BUTTON_RADII, FONT_STACKS } from '../branding/branding-input';
import { HostedPageService, PageAnswer } from './hosted-page.service';
import { PageContext, basicContext, islandContext, merchantContext, paymentContext } from './page-context';
import { MethodPages } from './method-pages';
import { Payment } from '../payments/payment';
import { PageLocale, message } from './page-locale';
import { PageTheme } from './page-theme';

/** The branding fields the preview's sample island takes from its URL: the theme variables, nothing else. */
const ISLAND_PARAMS = ['primary_color', 'background_color', 'text_color', 'font', 'button_style'] as const;

/**
 * The payment page as a branding would show it, filled with a sample order: what
 * POST /v1/branding/preview answers and what the dashboard's branding editor frames,
 * rendered by the same theme (and the same merchant-template sanitiser) as a real
 * payment's page so the preview cannot drift from it. The island in it is the
 * inert sample at /pay/sample/fields, which shows the card form with the branding's
 * colours, font and button style and posts nowhere.
 *
 * Previews are sent as `preview` documents: CSP `sandbox` with no script at all, and
 * the dashboard frames them in `<iframe sandbox>`, so a template is shown without
 * ever running on the dashboard's origin.
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
    @inject(MethodPages) private readonly methodPages: MethodPages,
  ) {}

  async render(merchantId: string, branding: Branding, locale: PageLocale, nonce: string): Promise<string> {
    const name = await this.pages.merchantName(merchantId);
    const basics = { locale, messages: this.theme.messages[locale], nonce, branding };
    return this.theme.render(
      'payment',
      {
        ...basicContext(basics, `${message(this.theme.messages, locale, 'title')}: ${name}`),
        script: null,
        merchant: merchantContext(name, branding),
        payment: paymentContext({ amount: 150000, currency: 'RUB', description: 'Sample order: 2 items', orderId: 'PREVIEW-1001' }, locale),
        island: { src: sampleIslandUrl(branding, locale), title: message(this.theme.messages, locale, 'payment_details'), tall: false },
      },
      branding.template,
    );
  }

  /** GET /pay/sample/fields: the inert island of a preview (no token, posts nowhere), branded from its query. */
  async sampleIsland(query: Record<string, unknown>, locale: PageLocale, nonce: string): Promise<PageAnswer> {
    const pick = <T extends string>(value: unknown, ok: (v: string) => v is T): T | null => (typeof value === 'string' && ok(value) ? value : null);
    const colour = (v: string): v is string => /^#[0-9a-fA-F]{6}$/.test(v);
    const branding: Branding = {
      ...DEFAULT_BRANDING,
      primaryColor: pick(query.primary_color, colour),
      backgroundColor: pick(query.background_color, colour),
      textColor: pick(query.text_color, colour),
      font: pick(query.font, (v): v is keyof typeof FONT_STACKS => Object.hasOwn(FONT_STACKS, v)),
      buttonStyle: pick(query.button_style, (v): v is keyof typeof BUTTON_RADII => Object.hasOwn(BUTTON_RADII, v)),
    };
    const messages = this.theme.messages[locale];
    const island: PageContext = {
      ...islandContext({ locale, messages, nonce, branding }, message(this.theme.messages, locale, 'payment_details')),
      script: null,
      payment: paymentContext(SAMPLE_PAYMENT, locale),
    };
    const html = this.theme.render('fields', { ...island, island_parts: await this.methodPages.sample(island, locale, SAMPLE_PAYMENT) });
    return { kind: 'page', status: 200, html, frameAncestors: [], formActions: [], document: 'preview' };
  }
}

/** The preview's payment: an open sample order, nothing of it in the database. */
const SAMPLE_PAYMENT: Payment = {
  seq: 0,
  id: 'pay_preview',
  merchantId: 'mer_preview',
  livemode: false,
  status: 'pending',
  amount: 150000,
  amountGross: 150000,
  amountDiscount: 0,
  amountCaptured: 0,
  amountRefunded: 0,
  amountRefundPending: 0,
  currency: 'RUB',
  orderId: 'PREVIEW-1001',
  description: null,
  captureMethod: 'automatic',
  returnUrl: null,
  customerEmail: null,
  metadata: {},
  pageToken: 'sample',
  failureCode: null,
  failureMessage: null,
  methodType: null,
  card: null,
  cardToken: null,
  cardFingerprint: null,
  operationInProgress: null,
  risk: null,
  locale: null,
  threeDSecure: null,
  threeDSecureChallenge: null,
  customerId: null,
  setupFutureUsage: null,
  offSession: false,
  paymentMethodId: null,
  networkReference: null,
  nextAction: null,
  nextActionExpiresAt: null,
  version: 0,
  createdAt: 0,
  updatedAt: 0,
};

function sampleIslandUrl(branding: Branding, locale: PageLocale): string {
  const values: Record<(typeof ISLAND_PARAMS)[number], string | null> = {
    primary_color: branding.primaryColor,
    background_color: branding.backgroundColor,
    text_color: branding.textColor,
    font: branding.font,
    button_style: branding.buttonStyle,
  };
  const query = new URLSearchParams({ locale });
  for (const key of ISLAND_PARAMS) {
    const value = values[key];
    if (value !== null) query.set(key, value);
  }
  return `/pay/sample/fields?${query.toString()}`;
}
