import { NextFunction, Request, Response, Router } from 'express';
import { LOGGER, Logger, maskPans } from '../../logging/logger';
import { DependencyContainer } from 'tsyringe';
import { TenderError } from '../../errors/tender-error';
import { HostedPageService, PageAnswer } from '../../pages/hosted-page.service';
import { Payment } from '../../payments/payment';
import { PageTheme } from '../../pages/page-theme';
import { SubmitRateLimiter } from '../../pages/submit-rate-limiter';
import { SignedFormService } from '../../pages/signed-form.service';
import { PaymentLinkPageService } from '../../pages/payment-link-page.service';
import { newNonce, sendPage } from './page-response';
import { tlsClientCertificate } from '../tls-client-certificate';
import { MethodPages } from '../../pages/method-pages';
import { isStandingRefusal } from '../../merchants/merchant-standing';
import { formBody, requestErrorOf, requireBodyType } from '../body-parsing';
import { loggedPathOf, noteRequest, requestIdOf } from '../middleware/request-log';
import { PaymentIsland } from '../../pages/payment-island';
import { BrandingPreview } from '../../pages/branding-preview';
import { chooseLocale } from '../../pages/page-locale';

/**
 * The buyer's pages under /pay (HTML, not the JSON API): the payment page and its
 * payment form island (/pay/:token/fields, the payment methods' own document), the
 * methods' form POSTs, the 3-D Secure return, the signed shop form and the theme's assets.
 */
export function payRoutes(container: DependencyContainer): Router {
  const router = Router();
  const pages = container.resolve(HostedPageService);
  const logger = container.resolve<Logger>(LOGGER);
  const theme = container.resolve(PageTheme);
  const limiter = container.resolve(SubmitRateLimiter);
  const signedForms = container.resolve(SignedFormService);
  const linkPages = container.resolve(PaymentLinkPageService);
  const methodPages = container.resolve(MethodPages);
  const island = container.resolve(PaymentIsland);
  const previews = container.resolve(BrandingPreview);
  const form = formBody({ limit: '16kb', parameterLimit: 20 });
  // req.ip follows TENDER_TRUST_PROXY (app.ts): the buyer's address for risk monitoring.
  const requestOf = (req: Request) => ({ nonce: newNonce(), acceptLanguage: req.get('accept-language'), ip: req.ip });

  // The pages' forms post url-encoded fields; a JSON or multipart body is refused (415) before any handler.
  router.use(requireBodyType('form'));

  router.get('/assets/:file', (req, res) => {
    const asset = /^[a-z0-9-]+\.(css|js|png|svg)$/.test(req.params.file) ? theme.asset(req.params.file) : undefined;
    if (asset === undefined) throw new TenderError('route_not_found', { message: 'No such asset.' });
    res.setHeader('Cache-Control', 'public, max-age=300');
    // The theme's public files: a branding preview is a sandboxed (opaque-origin) document and must load them too.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.type(asset.type).send(asset.body);
  });

  router.post('/form', form, async (req, res) => {
    const r = requestOf(req);
    if (!(await limiter.allowFromIp(req.ip ?? ''))) {
      sendPage(req, res, r.nonce, pages.errorPage(r, 429, 'rate_limited_title', 'rate_limited_text'));
      return;
    }
    sendPage(req, res, r.nonce, await signedForms.open((req.body ?? {}) as Record<string, unknown>, r));
  });

  router.get('/link/:token', async (req, res) => {
    const r = requestOf(req);
    const link = await linkPages.findByToken(req.params.token);
    sendPage(req, res, r.nonce, link === undefined ? pages.errorPage(r, 404, 'not_found_title', 'not_found_text') : await linkPages.show(link, r));
  });

  router.post('/link/:token', form, async (req, res) => {
    const r = requestOf(req);
    const link = await linkPages.findByToken(req.params.token);
    if (link === undefined || !(await limiter.allowFromIp(req.ip ?? ''))) {
      sendPage(
        req,
        res,
        r.nonce,
        pages.errorPage(
          r,
          link === undefined ? 404 : 429,
          link === undefined ? 'not_found_title' : 'rate_limited_title',
          link === undefined ? 'not_found_text' : 'rate_limited_text',
        ),
      );
      return;
    }
    sendPage(req, res, r.nonce, await linkPages.open(link, (req.body as Record<string, unknown> | undefined)?.form_token, r));
  });

  // The branding preview's inert island: sample data, the theme variables from the query, no token.
  router.get('/sample/fields', async (req, res) => {
    const r = requestOf(req);
    const locale = chooseLocale(typeof req.query.locale === 'string' ? req.query.locale : null, r.acceptLanguage);
    sendPage(req, res, r.nonce, await previews.sampleIsland(req.query, locale, r.nonce));
  });

  router.get('/:token/fields', async (req, res) => {
    const r = requestOf(req);
    const payment = await pages.findByToken(req.params.token);
    if (payment === undefined) {
      sendPage(req, res, r.nonce, pages.errorPage(r, 404, 'not_found_title', 'not_found_text'));
      return;
    }
    const state = island.stateOf(payment, req.query.state);
    sendPage(req, res, r.nonce, await pages.show(payment, r, state, 200, 'fields'));
  });

  router.get('/:token', async (req, res) => {
    const r = requestOf(req);
    const payment = await pages.findByToken(req.params.token);
    if (payment === undefined) {
      sendPage(req, res, r.nonce, pages.errorPage(r, 404, 'not_found_title', 'not_found_text'));
      return;
    }
    noteRequest(res, { merchantId: payment.merchantId, paymentId: payment.id });
    sendPage(req, res, r.nonce, await pages.show(payment, r));
  });

  /** A form post about one payment: found by its page token and rate limited before `handle` sees it. */
  const submission =
    (handle: (payment: Payment, fields: Record<string, unknown>, req: Request, r: ReturnType<typeof requestOf>) => Promise<PageAnswer>) =>
    async (req: Request<{ token: string }>, res: Response) => {
      const r = requestOf(req);
      const payment = await pages.findByToken(req.params.token);
      if (payment === undefined) {
        sendPage(req, res, r.nonce, pages.errorPage(r, 404, 'not_found_title', 'not_found_text'));
        return;
      }
      noteRequest(res, { merchantId: payment.merchantId, paymentId: payment.id });
      if (!(await limiter.allowSubmission(req.ip ?? '', payment.id))) {
        sendPage(req, res, r.nonce, pages.errorPage(r, 429, 'rate_limited_title', 'rate_limited_text'));
        return;
      }
      sendPage(req, res, r.nonce, await handle(payment, (req.body ?? {}) as Record<string, unknown>, req, r));
    };

  // A payment method's part of the island posts here: the card's to /pay/:token, others to /pay/:token/<path>
  // (MethodPages); the TLS client certificate goes along for methods whose payer it proves.
  const methodSubmission = (path: string) =>
    submission(async (payment, fields, req, r) => {
      const method = methodPages.byPath(path);
      if (method === undefined) return pages.errorPage(r, 404, 'not_found_title', 'not_found_text');
      return pages.submit(payment, method, fields, { ...r, tlsClientCertificate: tlsClientCertificate(req) });
    });
  router.post('/:token', form, methodSubmission(''));

  // Posted by the issuer's ACS page (cross-site in real 3-D Secure), so it carries no
  // form token: the CRes is verified by the adapter's ThreeDSecureServer instead, and
  // the state machine lets only the first one through.
  router.post('/:token/3ds', form, async (req, res) => {
    const r = requestOf(req);
    const payment = await pages.findByToken(req.params.token);
    if (payment === undefined) {
      sendPage(req, res, r.nonce, pages.errorPage(r, 404, 'not_found_title', 'not_found_text'));
      return;
    }
    noteRequest(res, { merchantId: payment.merchantId, paymentId: payment.id });
    sendPage(req, res, r.nonce, await pages.completeChallenge(payment, (req.body as Record<string, unknown> | undefined)?.cres));
  });

  // Another method's part (e.g. /pay/:token/account of @tender/plugin-accounts); after /3ds, which is the gateway's own.
  router.post('/:token/:path', form, (req: Request<{ token: string; path: string }>, res: Response) =>
    methodSubmission(/^[a-z][a-z-]{0,39}$/.test(req.params.path) ? req.params.path : '-')(req, res),
  );

  // A buyer gets a page, not the API's JSON: not-found stays a 404, a request the
  // gateway cannot read (body-parsing.ts) gets its 4xx and the "could not be read"
  // page, anything else is logged here (card numbers masked) and answered with the
  // generic error page.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const r = requestOf(req);
    const refusal = requestErrorOf(error);
    if (refusal !== undefined && refusal.status === 404) {
      sendPage(req, res, r.nonce, pages.errorPage(r, 404, 'not_found_title', 'not_found_text'));
      return;
    }
    // The services refuse what takes money for a merchant that may not take it now; never a 500 for that.
    if (isStandingRefusal(error)) {
      sendPage(req, res, r.nonce, pages.unavailablePage(r));
      return;
    }
    if (refusal !== undefined && refusal.status < 500) {
      sendPage(req, res, r.nonce, pages.errorPage(r, refusal.status, 'bad_request_title', 'bad_request_text'));
      return;
    }
    logger.error(
      {
        request_id: requestIdOf(res),
        method: req.method,
        path: loggedPathOf(req),
        error: error instanceof Error ? maskPans(error.message) : 'non-error thrown',
      },
      'payment page failed',
    );
    sendPage(req, res, r.nonce, pages.errorPage(r, 500, 'server_error_title', 'server_error_text'));
  });

  return router;
}
