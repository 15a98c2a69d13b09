import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database } from '../db/database';
import { TenderError } from '../errors/tender-error';
import { Branding, DEFAULT_BRANDING } from '../branding/branding';
import { BrandingService } from '../branding/branding.service';
import { SigningSecretService } from '../merchants/signing-secret.service';
import { MerchantStandingFacts } from '../merchants/api-keys';
import { MerchantStanding, isStandingRefusal } from '../merchants/merchant-standing';
import { Payment, paymentFromRow } from '../payments/payment';
import { PaymentService } from '../payments/payment.service';
import { ThreeDSecureService } from '../three-d-secure/three-d-secure.service';
import { FormTokenService } from './form-token.service';
import { PageTheme } from './page-theme';
import { PageLocale, chooseLocale, message } from './page-locale';
import { PageContext, basicContext, cardLabel, merchantContext, paymentContext } from './page-context';
import { signedReturnUrl } from './return-signature';
import { StatusLink } from '../notifications/status-link';
import { ReturnUrlChoosers } from './return-url-chooser';
import { IslandState, PaymentIsland } from './payment-island';
import { MethodPages } from './method-pages';
import { PaymentMethod } from '../methods/payment-method';
import { AddonSubmission } from '../methods/method-part-addon';
import { PaymentReceipts } from './payment-receipt';
import { nextActionPage } from './next-action-page';

/** Statuses in which the buyer may start a new confirm (not requires_action: that attempt is still running). */
const OPEN_FOR_ATTEMPT: ReadonlySet<string> = new Set(['pending', 'declined', 'failed']);
/**
 * What the HTTP layer sends: a page, or a redirect (POST-redirect-GET). `document`
 * picks the page's CSP (page-response.ts): a page (default), the payment form
 * island, or a branding preview.
 */
export type PageAnswer =
  | {
      readonly kind: 'page';
      readonly status: number;
      readonly html: string;
      readonly frameAncestors: readonly string[];
      readonly formActions: readonly string[];
      readonly document?: 'page' | 'island' | 'preview';
    }
  | { readonly kind: 'redirect'; readonly location: string };

/** What a page needs to know about the buyer's request. */
export interface PageRequest {
  readonly nonce: string;
  readonly acceptLanguage: string | undefined;
}

/** What the page knows of a form post besides its fields. */
export interface SubmitRequest extends PageRequest {
  readonly ip?: string | undefined;
  /** DER of the TLS client certificate the browser presented (gateway-server.ts), if any. */
  readonly tlsClientCertificate?: Buffer | undefined;
}

/** Statuses in which the page still takes a payment method (a new attempt). */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(['pending', 'declined', 'failed']);
const PAID_STATUSES: ReadonlySet<string> = new Set(['authorized', 'captured', 'partially_refunded', 'refunded']);

/**
 * The hosted payment page for one payment, found by its unguessable page token.
 * Which page the buyer sees follows from the payment's status alone, so a reload,
 * a back button or a second tab always shows the truth. The island shows the part
 * of every payment method the payment offers (MethodPages); a part's POST goes
 * through PaymentService.confirm, the same path as the API: same validation, state
 * machine, vault and bank call.
 *
 * While the merchant may not take payments (suspended, not live for a live payment,
 * test mode over: MerchantStanding), an open payment's page is the localized
 * "unavailable" page instead of the form, and a form post is answered with it before
 * anything is written (not even the form token's use).
 *
 * @example
 * ```ts
 * const answer = await pages.show(token, { nonce, acceptLanguage: req.get('accept-language') });
 * ```
 */
@injectable()
export class HostedPageService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PageTheme) private readonly theme: PageTheme,
    @inject(PaymentService) private readonly payments: PaymentService,
    @inject(ThreeDSecureService) private readonly threeDSecure: ThreeDSecureService,
    @inject(BrandingService) private readonly branding: BrandingService,
    @inject(SigningSecretService) private readonly secrets: SigningSecretService,
    @inject(FormTokenService) private readonly formTokens: FormTokenService,
    @inject(MethodPages) private readonly methodPages: MethodPages,
    @inject(StatusLink) private readonly statusLinks: StatusLink,
    @inject(ReturnUrlChoosers) private readonly returnUrls: ReturnUrlChoosers,
    @inject(MerchantStanding) private readonly standing: MerchantStanding,
    @inject(PaymentIsland) private readonly island: PaymentIsland,
    @inject(PaymentReceipts) private readonly receipts: PaymentReceipts,
  ) {}

  /** The payment a page token opens; the token is the buyer's only credential. */
  async findByToken(token: string): Promise<Payment | undefined> {
    if (!/^[0-9A-Za-z]{32}$/.test(token)) return undefined;
    const row = await this.db('payments').where({ page_token: token }).first();
    return row === undefined ? undefined : paymentFromRow(row);
  }

  isExpired(payment: Payment): boolean {
    return OPEN_STATUSES.has(payment.status) && this.clock.now() > payment.createdAt + this.config.pageTtlMs;
  }

  /**
   * GET /pay/:token, or (`view` 'fields') GET /pay/:token/fields, the payment form
   * island framed by it; `state` is what a refused post left to show again.
   */
  async show(
    payment: Payment,
    request: { nonce: string; acceptLanguage: string | undefined },
    state: IslandState = {},
    status = 200,
    view: 'payment' | 'fields' = 'payment',
  ): Promise<PageAnswer> {
    const locale = chooseLocale(payment.locale, request.acceptLanguage);
    const ctx = { merchantId: payment.merchantId, livemode: payment.livemode };
    const branding = await this.branding.get(ctx);
    // The name and the standing in one read: the page needs both.
    const merchant = await this.standing.read(payment.merchantId);
    const merchantName = merchant?.name ?? '';
    const t = (key: string): string => message(this.theme.messages, locale, key);
    // A paid payment goes back to the success URL; anything else the buyer leaves (cancel, expiry, decline) to the failure URL.
    const target = this.returnUrls.returnUrlFor(payment, PAID_STATUSES.has(payment.status) ? 'success' : 'failure');
    const returnUrl =
      target === null
        ? null
        : signedReturnUrl(target, await this.secrets.secretFor(payment.merchantId), {
            paymentId: payment.id,
            orderId: payment.orderId,
            status: payment.status,
          });
    const base: PageContext = {
      ...basicContext({ locale, messages: this.theme.messages[locale], nonce: request.nonce, branding }, `${t('title')}: ${merchantName}`),
      merchant: merchantContext(merchantName, branding),
      // A payment open for a new attempt shows what the merchant asked for: each confirm's adjustments (AmountAdjuster) start again from it.
      payment: paymentContext(OPEN_FOR_ATTEMPT.has(payment.status) ? { ...payment, amount: payment.amountGross } : payment, locale),
    };
    const page = (
      name: 'payment' | 'fields' | 'result' | 'challenge' | 'error' | 'next-action',
      context: PageContext,
      code = status,
      formActions: readonly string[] = [],
    ): PageAnswer => ({
      kind: 'page',
      status: code,
      html: this.theme.render(name, context, name === 'payment' ? branding.template : null),
      frameAncestors: branding.frameAncestors,
      formActions,
      document: name === 'fields' ? 'island' : 'page',
    });

    if (view === 'fields' && (this.isExpired(payment) || !OPEN_STATUSES.has(payment.status))) {
      // Paid or closed meanwhile (another tab): the island sends the buyer on to the page, which shows the truth.
      return page('fields', this.island.documentContext(base, branding, { island_done: { href: `/pay/${payment.pageToken}` } }));
    }
    if (this.isExpired(payment)) {
      return page('error', { ...base, error: { title: t('expired_title'), text: t('expired_text'), return_url: returnUrl } }, 410);
    }
    if (OPEN_STATUSES.has(payment.status)) {
      if (this.standing.refusal(merchant?.standing, payment.livemode) !== undefined) {
        return page('error', { ...base, error: { title: t('unavailable_title'), text: t('unavailable_text'), return_url: returnUrl } }, 403);
      }
      const methods = await this.methodPages.offered(payment);
      if (view === 'fields') {
        // The last attempt's failure, unless a refused post has its own alert to show.
        const failed = payment.status !== 'pending' && state.alert === undefined;
        const failure = failed
          ? {
              title: t(payment.status === 'declined' ? 'declined_title' : 'failed_title'),
              text: `${t(`failure.${payment.failureCode ?? 'other'}`)}${cardLabel(payment) === null ? '' : ` (${cardLabel(payment) ?? ''})`}`,
              retry: t('declined_retry'),
            }
          : null;
        const island = this.island.documentContext(base, branding, { cancel_url: returnUrl });
        const parts = await this.methodPages.render(methods, payment, island, { locale, token: this.formTokens.issue(payment.id), state, failure });
        return page('fields', { ...island, island_parts: parts, method_css: this.methodPages.stylesOf(methods) });
      }
      const frame = this.island.frameFor(payment, t('payment_details'), state, methods.length > 1);
      return page('payment', {
        ...base,
        script: 'page.js',
        island: frame,
        cancel_url: returnUrl,
        methods: Object.fromEntries(methods.map((m) => [m.type, true] as const)),
      });
    }
    if (payment.status === 'requires_action') {
      const challenge = this.threeDSecure.challengeOf(payment);
      if (challenge !== undefined) {
        const acs = challenge.acsUrl;
        const formActions = acs.startsWith('/') ? [] : [new URL(acs).origin];
        return page(
          'challenge',
          {
            ...base,
            challenge: {
              acs_url: acs,
              creq: challenge.creq,
              notification_url: `/pay/${payment.pageToken}/3ds`,
              frame_url: `/elements/challenge/${payment.pageToken}`,
            },
          },
          status,
          formActions,
        );
      }
      if (payment.nextAction !== null) {
        // Paid elsewhere (a QR code, a wallet): the page refreshes until a notification or an inquiry settles it.
        return page('next-action', {
          ...base,
          next_action: nextActionPage(payment.nextAction, payment.nextActionExpiresAt, locale),
          cancel_url: returnUrl,
          refresh: true,
        });
      }
    }
    const paid = PAID_STATUSES.has(payment.status);
    const pending = payment.status === 'processing' || payment.status === 'requires_action';
    const result: PageContext['result'] = paid
      ? { tone: 'success', title: t('success_title'), text: t('success_text'), card: cardLabel(payment), return_url: returnUrl, refresh: false }
      : pending
        ? { tone: 'neutral', title: t('pending_title'), text: t('pending_text'), card: null, return_url: null, refresh: true }
        : { tone: 'error', title: t('canceled_title'), text: t('canceled_text'), card: null, return_url: returnUrl, refresh: false };
    // The buyer's lasting view of the payment (docs/webhooks.md, "Status page"), as in the receipt e-mail.
    const receipt = await this.receipts.of(payment, merchantName, locale, paid);
    return page('result', { ...base, result: { ...result, status_url: this.statusLinks.urlFor(payment.id), receipt }, refresh: pending });
  }

  /**
   * POST /pay/:token (the part whose page path is '', the card's) or
   * POST /pay/:token/<path> (another method's part). A used, foreign or missing form
   * token means a double submit (or a forged one): nothing is charged and the buyer
   * is shown the payment's current page. Problems the method's part explains
   * (PaymentMethodPage.refusal: field errors, a refused certificate) come back in
   * the island; everything else redirects to GET, which shows the outcome. Risk
   * monitoring gets the buyer's request IP (`request.ip`, after the trust-proxy
   * setting) and the payment's customer e-mail, as a shop's API confirm would send
   * them in `customer`.
   */
  async submit(payment: Payment, method: PaymentMethod, fields: Readonly<Record<string, unknown>>, request: SubmitRequest): Promise<PageAnswer> {
    const again: PageAnswer = { kind: 'redirect', location: `/pay/${payment.pageToken}` };
    const part = method.page;
    if (part === undefined) return again;
    const { standing, refused } = await this.standingOf(payment, request);
    if (refused !== undefined) return refused;
    if (!(await this.formTokens.consume(payment.id, fields.form_token))) return again;
    if (this.isExpired(payment) || !OPEN_STATUSES.has(payment.status)) return again;
    const locale = chooseLocale(payment.locale, request.acceptLanguage);
    // Only the part's own fields, as strings of bounded length; anything else a form carries is dropped.
    const posted: Record<string, string> = {};
    for (const name of part.fields) {
      const value = fields[name];
      if (typeof value === 'string') posted[name] = value.slice(0, 500);
    }
    const kept: Record<string, string> = {};
    for (const name of part.keep ?? []) if (posted[name] !== undefined) kept[name] = posted[name];
    const text = (key: string): string => this.methodPages.text(method, locale, key);
    // The island again, with this part's kept values and its refusal in the buyer's language.
    const refusedWith = (status: number, errors: Readonly<Record<string, string>> = {}, alert?: string, code?: string): Promise<PageAnswer> => {
      const state: IslandState = {
        method: method.type,
        values: kept,
        errors: Object.fromEntries(Object.entries(errors).map(([field, key]) => [field, text(key)])),
        ...(alert === undefined ? {} : { alert: text(alert) }),
        ...(code === undefined ? {} : { code }),
      };
      return this.show(payment, request, state, status);
    };
    let addonAdjusted = false;
    try {
      const submission = await part.submission(posted, {
        payment,
        tlsClientCertificate: request.tlsClientCertificate,
        path: this.methodPages.actionOf(payment, method),
      });
      if ('errors' in submission) return refusedWith(422, submission.errors, 'error_form');
      const addons = await this.addonSubmissions(payment, method, fields, request.ip, locale).catch((error: unknown) => error);
      // An add-on's refusal (MethodPartAddon.submission): the part again, nothing written.
      if (addons instanceof TenderError) return refusedWith(addons.status < 500 ? addons.status : 422, {}, 'error_form', addons.code);
      if (!Array.isArray(addons)) throw addons;
      addonAdjusted = addons.some((a) => a.adjustment !== undefined);
      await this.payments.confirm(
        { merchantId: payment.merchantId, livemode: payment.livemode, standing },
        payment.id,
        { type: method.type, [method.type]: submission.input },
        { ip: request.ip, email: payment.customerEmail ?? undefined },
        {
          buyerPresent: true,
          ...(submission.payer === undefined ? {} : { payer: submission.payer }),
          ...(addons.length === 0 ? {} : { addons }),
        },
      );
    } catch (error) {
      if (!(error instanceof TenderError)) throw error;
      // A conflict is another submission that got there first: show where the payment is.
      if (error.status === 409) return again;
      // The standing changed since it was read: the page says so.
      if (isStandingRefusal(error)) return this.show(payment, request);
      const refusal = part.refusal(error);
      if (refusal !== undefined) return refusedWith(refusal.status, refusal.errors, refusal.alert, refusal.code);
      // An add-on's amount adjustment refused in the confirm transaction (points spent meanwhile): nothing was written.
      if (error.status === 400 && addonAdjusted) return refusedWith(422, {}, 'error_form', error.code);
      throw error;
    }
    return again;
  }

  /**
   * What the add-ons shown in this part (MethodPartAddon) make of the post, each
   * given only its own fields (strings, at most 500 characters), before the confirm.
   */
  private async addonSubmissions(
    payment: Payment,
    method: PaymentMethod,
    fields: Readonly<Record<string, unknown>>,
    ip: string | undefined,
    locale: PageLocale,
  ): Promise<AddonSubmission[]> {
    const submissions: AddonSubmission[] = [];
    for (const { addon } of await this.methodPages.addonsShown(method, payment, locale)) {
      const posted: Record<string, string> = {};
      for (const name of addon.fields) {
        const value = fields[name];
        if (typeof value === 'string') posted[name] = value.slice(0, 500);
      }
      submissions.push(await addon.submission(posted, { payment, ip, locale, now: this.clock.now() }));
    }
    return submissions;
  }

  /** POST /pay/:token/3ds: the buyer is back from the issuer's challenge. */
  async completeChallenge(payment: Payment, cres: unknown): Promise<PageAnswer> {
    const again: PageAnswer = { kind: 'redirect', location: `/pay/${payment.pageToken}` };
    if (typeof cres !== 'string' || cres.length > 4000) return again;
    try {
      await this.threeDSecure.complete({ merchantId: payment.merchantId, livemode: payment.livemode }, payment.id, cres);
    } catch (error) {
      // Already completed (a second post of the same CRes) or not waiting: the page shows the truth.
      if (!(error instanceof TenderError) || error.status !== 409) throw error;
    }
    return again;
  }

  /**
   * The standing of the payment's merchant, read for a form post before anything is
   * written: `standing` to pass on to the payment service (which then reads nothing),
   * or `refused`, the page to answer with (the unavailable page while the payment is
   * open, else the page of its state).
   */
  async standingOf(payment: Payment, request: PageRequest): Promise<{ standing: MerchantStandingFacts | undefined; refused: PageAnswer | undefined }> {
    const merchant = await this.standing.read(payment.merchantId);
    if (this.standing.refusal(merchant?.standing, payment.livemode) === undefined) return { standing: merchant?.standing, refused: undefined };
    return { standing: merchant?.standing, refused: await this.show(payment, request) };
  }

  /** For a buyer whose merchant may not take payments now (suspended, not live, test mode over): nothing was taken. */
  unavailablePage(request: PageRequest, extra: { locale?: PageLocale; branding?: Branding } = {}): PageAnswer {
    return this.errorPage(request, 403, 'unavailable_title', 'unavailable_text', extra);
  }

  /** A page that is not about a particular payment state (not found, bad signature, rate limit). */
  errorPage(
    request: { nonce: string; acceptLanguage: string | undefined },
    status: number,
    titleKey: string,
    textKey: string,
    extra: { locale?: PageLocale; branding?: Branding } = {},
  ): PageAnswer {
    const locale = extra.locale ?? chooseLocale(null, request.acceptLanguage);
    const t = (key: string): string => message(this.theme.messages, locale, key);
    const branding = extra.branding ?? DEFAULT_BRANDING;
    const context: PageContext = {
      ...basicContext({ locale, messages: this.theme.messages[locale], nonce: request.nonce, branding }, t(titleKey)),
      error: { title: t(titleKey), text: t(textKey), return_url: null },
    };
    return { kind: 'page', status, html: this.theme.render('error', context), frameAncestors: [], formActions: [] };
  }

  async merchantName(merchantId: string): Promise<string> {
    const row = await this.db('merchants').select('name').where({ id: merchantId }).first();
    return row === undefined ? '' : String(row.name);
  }
}
