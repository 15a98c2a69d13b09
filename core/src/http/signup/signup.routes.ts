import { Request, Response, Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { TenderConfig } from '../../config/config';
import { CONFIG } from '../../config/tokens';
import { TenderError } from '../../errors/tender-error';
import { createMerchantSchema } from '../../merchants/merchant.service';
import { OnboardingService } from '../../merchants/onboarding.service';
import { OFFERED_TIME_ZONES, formatInZone, isTimeZone } from '../../merchants/merchant-time';
import { PAGE_LOCALES, PageLocale, chooseLocale, isPageLocale } from '../../pages/page-locale';
import { WebAccountService, passwordSchema } from '../../web/accounts/web-account.service';
import { applicationRateLimit } from '../api/applications.routes';
import { LANGUAGE_NAMES, SignupPages, themedSignupFiles } from './signup-pages';
import { formBody, requireBodyType } from '../body-parsing';
import { WEB_LOCALE_MAX_AGE_MS, setWebCookie } from '../cookies';
import { FormTokenCookie, formTokenOk, issueFormToken, retireFormToken } from '../../web/csrf';

const CSRF_COOKIE = 'tender_signup_csrf';
/** The dashboard's language cookie (dashboard/src/web-locale.ts): the language chosen here opens the dashboard. */
const WEB_LOCALE_COOKIE = 'tender_web_lang';

interface FormValues {
  name: string;
  email: string;
  locale: PageLocale;
  time_zone: string;
}

/**
 * GET/POST /signup: the public sign-up page, server-rendered, in ru, en or ar
 * (`?lang=`, else Accept-Language). It creates the merchant (test mode) and its
 * owner's dashboard account with the chosen password, language and time zone, and
 * sends the owner on to the dashboard: every later step is a form there.
 *
 * CSRF protection is core's one mechanism (web/csrf.ts): a form token kept in a
 * SameSite=Strict, HttpOnly cookie scoped to /signup and the same value in a hidden field.
 */
export function signupRoutes(container: DependencyContainer): Router {
  const router = Router();
  const config = container.resolve<TenderConfig>(CONFIG);
  const onboarding = container.resolve(OnboardingService);
  const accounts = container.resolve(WebAccountService);
  const pages = new SignupPages(themedSignupFiles(config.templatesDir), config.brand);
  const csrfCookie: FormTokenCookie = { name: CSRF_COOKIE, publicUrl: config.publicUrl, path: '/signup', sameSite: 'strict' };

  const sendForm = (req: Request, res: Response, status: number, values: FormValues, errors: Record<string, string>, summary?: string): void => {
    const token = issueFormToken(req, res, csrfCookie);
    res.status(status).type('html').setHeader('Cache-Control', 'no-store');
    res.send(
      pages.form(values.locale, {
        csrf: token,
        values,
        errors,
        summary,
        testModeHours: config.testModeHours,
        languages: PAGE_LOCALES.map((code) => ({ code, name: LANGUAGE_NAMES[code], selected: code === values.locale })),
        zones: OFFERED_TIME_ZONES.map((code) => ({ code, selected: code === values.time_zone })),
      }),
    );
  };

  router.get('/signup', (req, res) => {
    const locale = pageLocaleOf(req);
    sendForm(req, res, 200, { name: '', email: '', locale, time_zone: locale === 'ru' ? 'Europe/Moscow' : 'UTC' }, {});
  });

  router.post('/signup', applicationRateLimit(container), requireBodyType('form'), formBody({ limit: '8kb', parameterLimit: 12 }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const str = (k: string): string => (typeof body[k] === 'string' ? body[k] : '');
    const asked = str('locale');
    const values: FormValues = {
      name: str('name'),
      email: str('email'),
      locale: isPageLocale(asked) ? asked : pageLocaleOf(req),
      time_zone: str('time_zone') || 'UTC',
    };
    const password = str('password');
    const say = (key: string): string => pages.text(values.locale, key);
    if (!formTokenOk(req, CSRF_COOKIE)) {
      sendForm(req, res, 403, values, {}, new TenderError('csrf_token_invalid').message);
      return;
    }
    const parsed = createMerchantSchema.safeParse({ name: values.name, email: values.email });
    const errors: Record<string, string> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors[String(issue.path[0])] ??= issue.path[0] === 'email' ? say('signup.error_email') : say('signup.error_name');
    }
    if (!passwordSchema.safeParse(password).success) errors.password = say('signup.error_password');
    if (!isTimeZone(values.time_zone)) {
      errors.time_zone = say('signup.error_time_zone');
      values.time_zone = 'UTC';
    }
    if (!parsed.success || Object.keys(errors).length > 0) {
      sendForm(req, res, 400, values, errors, say('signup.summary'));
      return;
    }
    let created;
    try {
      created = await onboarding.apply(parsed.data, {
        locale: values.locale,
        timeZone: values.time_zone,
        within: async (trx, merchantId) => {
          await accounts.createMerchantUser({ merchantId, email: parsed.data.email, role: 'owner', password }, trx);
        },
      });
    } catch (error) {
      if (error instanceof TenderError && error.code === 'web_account_exists') {
        sendForm(req, res, 409, values, { email: say('signup.error_exists') }, say('signup.summary'));
        return;
      }
      throw error;
    }
    retireFormToken(req, res, csrfCookie);
    setWebCookie(req, res, WEB_LOCALE_COOKIE, values.locale, { publicUrl: config.publicUrl, path: '/', maxAgeMs: WEB_LOCALE_MAX_AGE_MS });
    res.status(201).type('html').setHeader('Cache-Control', 'no-store');
    const until = created.test_mode_expires_at === null ? '' : formatInZone(Date.parse(created.test_mode_expires_at), values.time_zone, values.locale);
    res.send(pages.done(values.locale, { merchant: created, testModeUntil: until, dashboardUrl: `/dashboard/signin?lang=${values.locale}` }));
  });

  return router;
}

function pageLocaleOf(req: Request): PageLocale {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : null;
  return chooseLocale(asked, req.get('accept-language'));
}
