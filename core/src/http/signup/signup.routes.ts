import { Request, Response, Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { TenderConfig } from '../../config/config';
import { CONFIG } from '../../config/tokens';
import { TenderError } from '../../errors/tender-error';
import { randomToken } from '../../ids/ids';
import { createMerchantSchema } from '../../merchants/merchant.service';
import { OnboardingService } from '../../merchants/onboarding.service';
import { applicationRateLimit } from '../api/applications.routes';
import { SignupPages } from './signup-pages';
import { formBody, requireBodyType } from '../body-parsing';
import { readCookie, tokensMatch } from '../cookies';

const CSRF_COOKIE = 'tender_signup_csrf';

/**
 * GET/POST /signup: the public sign-up page, server-rendered. CSRF protection is a
 * double-submit token: a random value in a SameSite=Strict, HttpOnly cookie and the
 * same value in a hidden field; a cross-site form cannot read or set the cookie.
 */
export function signupRoutes(container: DependencyContainer): Router {
  const router = Router();
  const config = container.resolve<TenderConfig>(CONFIG);
  const onboarding = container.resolve(OnboardingService);
  const pages = new SignupPages();
  const secure = config.publicUrl.startsWith('https:');

  const sendForm = (res: Response, status: number, values: { name: string; email: string }, errors: Record<string, string>, summary?: string): void => {
    const token = randomToken(32);
    res.cookie(CSRF_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/signup' });
    res.status(status).type('html').setHeader('Cache-Control', 'no-store');
    res.send(pages.form({ csrf: token, values, errors, summary, testModeHours: config.testModeHours }));
  };

  router.get('/signup', (_req, res) => sendForm(res, 200, { name: '', email: '' }, {}));

  router.post('/signup', applicationRateLimit(), requireBodyType('form'), formBody({ limit: '8kb', parameterLimit: 10 }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { name: typeof body.name === 'string' ? body.name : '', email: typeof body.email === 'string' ? body.email : '' };
    if (!csrfMatches(req, body._csrf)) {
      sendForm(res, 403, values, {}, new TenderError('csrf_token_invalid').message);
      return;
    }
    const parsed = createMerchantSchema.safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.path[0] === 'email' ? 'Enter an e-mail address like owner@shop.example.' : 'Enter your shop\'s name.';
      sendForm(res, 400, values, errors, 'Please correct the fields marked below.');
      return;
    }
    const created = await onboarding.apply(parsed.data);
    res.clearCookie(CSRF_COOKIE, { path: '/signup' });
    res.status(201).type('html').setHeader('Cache-Control', 'no-store');
    res.send(pages.done({ merchant: created, testModeHours: config.testModeHours }));
  });

  return router;
}

/** The double-submit check, compared as bytes (a field of another byte length is simply a mismatch). */
function csrfMatches(req: Request, field: unknown): boolean {
  const cookie = readCookie(req, CSRF_COOKIE);
  return cookie !== undefined && typeof field === 'string' && tokensMatch(field, cookie);
}
