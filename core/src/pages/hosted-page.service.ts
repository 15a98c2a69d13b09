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
import { CardFormContext, PageContext, basicContext, cardLabel, merchantContext, paymentContext } from './page-context';
import { signedReturnUrl } from './return-signature';
import { AccountFormState, AccountPageOption } from './account-page-option';
import { StatusLink } from '../notifications/status-link';
import { ReturnUrlChoosers } from './return-url-chooser';
import { PaymentIsland } from './payment-island';

/**
 * What the HTTP layer sends: a page, or a redirect (POST-redirect-GET). `document`
 * picks the page's CSP (page-response.ts): a page (default), the payment form
 * island, or a branding preview.
 */
export type PageAnswer =
  | { readonly kind: 'page'; readonly status: number; readonly html: string; readonly frameAncestors: readonly string[]; readonly formActions: readonly string[]; readonly document?: 'page' | 'island' | 'preview' }
  | { readonly kind: 'redirect'; readonly location: string };

/** What a page needs to know about the buyer's request. */
export interface PageRequest {
  readonly nonce: string;
  readonly acceptLanguage: string | undefined;
}

/** The card form as posted (application/x-www-form-urlencoded). */
export interface CardFormFields {
  readonly number?: unknown;
  readonly expiry?: unknown;
  readonly cvc?: unknown;
  readonly holder_name?: unknown;
  readonly form_token?: unknown;
}

/** Statuses in which the page still takes a payment method (a new attempt). */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(['pending', 'declined', 'failed']);
const PAID_STATUSES: ReadonlySet<string> = new Set(['authorized', 'captured', 'partially_refunded', 'refunded']);

/**
 * The hosted payment page for one payment, found by its unguessable page token.
 * Which page the buyer sees follows from the payment's status alone, so a reload,
 * a back button or a second tab always shows the truth. The card form's POST goes
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
    @inject(AccountPageOption) private readonly accountOption: AccountPageOption,
    @inject(StatusLink) private readonly statusLinks: StatusLink,
    @inject(ReturnUrlChoosers) private readonly returnUrls: ReturnUrlChoosers,
    @inject(MerchantStanding) private readonly standing: MerchantStanding,
    @inject(PaymentIsland) private readonly island: PaymentIsland,
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

  /** GET /pay/:token, or (`view` 'fields') GET /pay/:token/fields, the payment form island framed by it. */
  async show(payment: Payment, request: { nonce: string; acceptLanguage: string | undefined }, form?: Partial<CardFormContext>, status = 200, account?: AccountFormState, view: 'payment' | 'fields' = 'payment'): Promise<PageAnswer> {
    const locale = chooseLocale(payment.locale, request.acceptLanguage);
    const ctx = { merchantId: payment.merchantId, livemode: payment.livemode };
    const branding = await this.branding.get(ctx);
    // The name and the standing in one read: the page needs both.
    const merchant = await this.standing.read(payment.merchantId);
    const merchantName = merchant?.name ?? '';
    const t = (key: string): string => message(this.theme.messages, locale, key);
    // A paid payment goes back to the success URL; anything else the buyer leaves (cancel, expiry, decline) to the failure URL.
    const target = this.returnUrls.returnUrlFor(payment, PAID_STATUSES.has(payment.status) ? 'success' : 'failure');
    const returnUrl = target === null ? null : signedReturnUrl(target, await this.secrets.secretFor(payment.merchantId), { paymentId: payment.id, orderId: payment.orderId, status: payment.status });
    const base: PageContext = {
      ...basicContext({ locale, messages: this.theme.messages[locale], nonce: request.nonce, branding }, `${t('title')}: ${merchantName}`),
      merchant: merchantContext(merchantName, branding),
      payment: paymentContext(payment, locale),
    };
    const page = (name: 'payment' | 'fields' | 'result' | 'challenge' | 'error', context: PageContext, code = status, formActions: readonly string[] = []): PageAnswer => ({
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
      const failed = payment.status !== 'pending' && form?.alert === undefined;
      const failure = payment.failureCode === null ? 'other' : payment.failureCode;
      const card: CardFormContext = {
        action: `/pay/${payment.pageToken}`,
        token: this.formTokens.issue(payment.id),
        holder_name: form?.holder_name ?? '',
        errors: form?.errors ?? {},
        alert: failed ? `${message(this.theme.messages, locale, `failure.${failure}`)}${cardLabel(payment) === null ? '' : ` (${cardLabel(payment) ?? ''})`}` : (form?.alert ?? null),
        alert_title: failed ? t(payment.status === 'declined' ? 'declined_title' : 'failed_title') : (form?.alert_title ?? null),
        alert_retry: failed ? t('declined_retry') : null,
      };
      const accountOption = await this.accountOption.contextFor(payment, account);
      if (view === 'fields') return page('fields', this.island.documentContext(base, branding, { form: card, cancel_url: returnUrl, account: accountOption }));
      const island = this.island.frameFor(payment, t('card_details'), { form, account }, accountOption !== undefined);
      return page('payment', { ...base, script: 'page.js', island, cancel_url: returnUrl, ...(accountOption === undefined ? {} : { account: accountOption }) });
    }
    if (payment.status === 'requires_action') {
      const challenge = this.threeDSecure.challengeOf(payment);
      if (challenge !== undefined) {
        const acs = challenge.acsUrl;
        const formActions = acs.startsWith('/') ? [] : [new URL(acs).origin];
        return page('challenge', { ...base, challenge: { acs_url: acs, creq: challenge.creq, notification_url: `/pay/${payment.pageToken}/3ds` } }, status, formActions);
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
    return page('result', { ...base, result: { ...result, status_url: this.statusLinks.urlFor(payment.id) }, refresh: pending });
  }

  /**
   * POST /pay/:token. A used, foreign or missing form token means a double submit
   * (or a forged one): nothing is charged and the buyer is shown the payment's
   * current page. Invalid card fields come back as field errors; everything else
   * redirects to GET, which shows the outcome. Risk monitoring gets the buyer's
   * request IP (`request.ip`, after the trust-proxy setting) and the payment's
   * customer e-mail, as a shop's API confirm would send them in `customer`.
   */
  async submit(payment: Payment, fields: CardFormFields, request: { nonce: string; acceptLanguage: string | undefined; ip?: string | undefined }): Promise<PageAnswer> {
    const again: PageAnswer = { kind: 'redirect', location: `/pay/${payment.pageToken}` };
    const { standing, refused } = await this.standingOf(payment, request);
    if (refused !== undefined) return refused;
    if (!(await this.formTokens.consume(payment.id, fields.form_token))) return again;
    if (this.isExpired(payment) || !OPEN_STATUSES.has(payment.status)) return again;
    const locale = chooseLocale(payment.locale, request.acceptLanguage);
    const holderName = typeof fields.holder_name === 'string' ? fields.holder_name.slice(0, 100) : '';
    const fieldErrors = (errors: CardFormContext['errors']): Promise<PageAnswer> =>
      this.show(payment, request, { holder_name: holderName, errors, alert: message(this.theme.messages, locale, 'error_form'), alert_title: null }, 422);
    const expiry = typeof fields.expiry === 'string' ? /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(fields.expiry) : null;
    const errors = {
      ...(typeof fields.number !== 'string' || fields.number.trim() === '' ? { number: message(this.theme.messages, locale, 'error_number') } : {}),
      ...(expiry === null ? { expiry: message(this.theme.messages, locale, 'error_expiry') } : {}),
      ...(typeof fields.cvc !== 'string' || !/^\d{3,4}$/.test(fields.cvc) ? { cvc: message(this.theme.messages, locale, 'error_cvc') } : {}),
    };
    if (Object.keys(errors).length > 0) return fieldErrors(errors);
    try {
      await this.payments.confirm({ merchantId: payment.merchantId, livemode: payment.livemode, standing }, payment.id, {
        type: 'card',
        card: { number: fields.number, exp_month: Number(expiry?.[1]), exp_year: Number(expiry?.[2]), cvc: fields.cvc, holder_name: holderName === '' ? undefined : holderName },
      }, { ip: request.ip, email: payment.customerEmail ?? undefined }, { buyerPresent: true });
    } catch (error) {
      if (!(error instanceof TenderError)) throw error;
      // The standing changed since it was read: the page says so.
      if (isStandingRefusal(error)) return this.show(payment, request);
      const field = fieldOf(error);
      if (field !== undefined) return fieldErrors({ [field]: message(this.theme.messages, locale, `error_${field}`) });
      // A conflict is another submission that got there first: show where the payment is.
      if (error.status === 409) return again;
      throw error;
    }
    return again;
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
  errorPage(request: { nonce: string; acceptLanguage: string | undefined }, status: number, titleKey: string, textKey: string, extra: { locale?: PageLocale; branding?: Branding } = {}): PageAnswer {
    const locale = extra.locale ?? chooseLocale(null, request.acceptLanguage);
    const t = (key: string): string => message(this.theme.messages, locale, key);
    const branding = extra.branding ?? DEFAULT_BRANDING;
    const context: PageContext = { ...basicContext({ locale, messages: this.theme.messages[locale], nonce: request.nonce, branding }, t(titleKey)), error: { title: t(titleKey), text: t(textKey), return_url: null } };
    return { kind: 'page', status, html: this.theme.render('error', context), frameAncestors: [], formActions: [] };
  }

  async merchantName(merchantId: string): Promise<string> {
    const row = await this.db('merchants').select('name').where({ id: merchantId }).first();
    return row === undefined ? '' : String(row.name);
  }
}

/** Which form field a card validation error is about. */
function fieldOf(error: TenderError): 'number' | 'expiry' | 'cvc' | 'name' | undefined {
  switch (error.code) {
    case 'card_number_invalid':
      return 'number';
    case 'card_expiry_invalid':
      return 'expiry';
    case 'card_cvc_invalid':
      return 'cvc';
    case 'parameter_missing':
    case 'parameter_invalid':
      return error.param?.endsWith('.number') === true ? 'number' : error.param?.endsWith('holder_name') === true ? 'name' : undefined;
    default:
      return undefined;
  }
}
