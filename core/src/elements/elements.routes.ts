import { Request, Response, Router } from 'express';
import helmet from 'helmet';
import { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { TenderError } from '../errors/tender-error';
import { ApiKeyService } from '../merchants/api-keys';
import { MerchantStanding } from '../merchants/merchant-standing';
import { BrandingService } from '../branding/branding.service';
import { islandCss } from '../branding/branding';
import { HostedPageService, OPEN_STATUSES } from '../pages/hosted-page.service';
import { PaymentService } from '../payments/payment.service';
import { ThreeDSecureService } from '../three-d-secure/three-d-secure.service';
import { SubmitRateLimiter } from '../pages/submit-rate-limiter';
import { chooseLocale, isPageLocale } from '../pages/page-locale';
import { formatAmount } from '../pages/amount-format';
import { newNonce } from '../http/pay/page-response';
import { formBody, jsonBody, requireBodyType } from '../http/body-parsing';
import { parseInput } from '../http/validation';
import { Payment } from '../payments/payment';
import { ElementsPages, FIELD_KINDS } from './elements-pages';
import { CardTokenService } from './card-token.service';

/** The shop's style options a field frame takes (tender.js `style`): checked shapes only, so nothing can close the <style>. */
const styleOptions = z.object({
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
  background: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
  font_size: z
    .string()
    .regex(/^(1[0-9]|2[0-8])px$/)
    .optional(),
});

const confirmSchema = z.object({ client_secret: z.string().max(64), token: z.string().regex(/^tok_[0-9A-Za-z]{24}$/) }).strict();

/** A page token (the payment's client secret): the last part of its payment_url. */
const PAGE_TOKEN = /^[0-9A-Za-z]{32}$/;

/**
 * The embedded card fields' gateway side (docs/embedded-fields.md):
 *
 * - `GET /js/tender.js`: the script a shop includes (a script tag or `@tender/js`);
 * - `GET /elements/field`: one field's frame (number, expiry, CVC), for a
 *   publishable key and a registered shop origin, which alone may frame it
 *   (`frame-ancestors`) and which alone its messages are sent to;
 * - `POST /elements/confirm`: the number frame confirms a payment by its client
 *   secret (the page token of its `payment_url`) with a card token it just made;
 * - `GET /elements/challenge/:secret` and `POST .../return`: 3-D Secure in a frame
 *   (the modal of tender.js and of the hosted page): the bank's challenge inside it,
 *   and a last page that tells the parent the outcome.
 */
export function elementsRoutes(container: DependencyContainer): Router {
  const router = Router();
  const pages = container.resolve(ElementsPages);
  const keys = container.resolve(ApiKeyService);
  const tokens = container.resolve(CardTokenService);
  const branding = container.resolve(BrandingService);
  const hosted = container.resolve(HostedPageService);
  const payments = container.resolve(PaymentService);
  const standing = container.resolve(MerchantStanding);
  const threeDSecure = container.resolve(ThreeDSecureService);
  const limiter = container.resolve(SubmitRateLimiter);

  router.get('/js/tender.js', (_req, res) => sendScript(res, pages.scripts['tender.js'] ?? ''));
  router.get('/elements/assets/:file', (req, res) => {
    const file = req.params.file;
    if (file !== 'field.js' && file !== 'challenge-frame.js') throw new TenderError('route_not_found', { message: 'No such asset.' });
    sendScript(res, pages.scripts[file] ?? '');
  });

  router.get('/elements/field', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const field = FIELD_KINDS.find((f) => f === q.field);
    const origin = typeof q.origin === 'string' ? q.origin : '';
    const session = typeof q.session === 'string' && /^[0-9A-Za-z]{16,64}$/.test(q.session) ? q.session : undefined;
    const key = typeof q.key === 'string' ? q.key : '';
    if (field === undefined || session === undefined)
      throw new TenderError('parameter_invalid', { message: 'field must be number, expiry or cvc, and session 16 to 64 letters and digits.' });
    const who = await keys.authenticate(key);
    if (who.kind !== 'publishable') throw new TenderError('api_key_wrong_kind', { message: 'The fields take a publishable key (pk_...).' });
    const ctx = { merchantId: who.merchantId, livemode: who.livemode };
    if (!(await tokens.isRegisteredOrigin(ctx, origin))) throw new TenderError('token_origin_not_allowed', { param: 'origin' });
    const style = styleOptions.safeParse({ color: q.color, background: q.background, font_size: q.font_size });
    const s = style.success ? style.data : {};
    const shopCss = [
      s.color === undefined ? '' : `--tender-text: ${s.color};`,
      s.background === undefined ? '' : `--tender-field-background: ${s.background};`,
      s.font_size === undefined ? '' : `--tender-font-size: ${s.font_size};`,
    ].join(' ');
    const css = `${islandCss(await branding.get(ctx))}:root { ${shopCss} }`;
    const requested = typeof q.locale === 'string' ? q.locale : null;
    const locale = isPageLocale(requested) ? requested : chooseLocale(null, req.get('accept-language'));
    const nonce = newNonce();
    sendFrame(req, res, nonce, [origin], [], pages.fieldPage({ field, locale, nonce, css, key, origin, session }));
  });

  router.post('/elements/confirm', requireBodyType('json'), jsonBody({ limit: '4kb' }), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const input = parseInput(confirmSchema, req.body);
    const payment = PAGE_TOKEN.test(input.client_secret) ? await hosted.findByToken(input.client_secret) : undefined;
    if (payment === undefined) throw new TenderError('resource_not_found', { param: 'client_secret', message: 'No payment has this client secret.' });
    if (!(await limiter.allowSubmission(req.ip ?? '', payment.id))) throw new TenderError('rate_limited');
    if (hosted.isExpired(payment) || !OPEN_STATUSES.has(payment.status))
      throw new TenderError('payment_invalid_state', { message: 'This payment no longer takes a payment method.' });
    const merchant = await standing.read(payment.merchantId);
    const confirmed = await payments.confirm(
      { merchantId: payment.merchantId, livemode: payment.livemode, standing: merchant?.standing },
      payment.id,
      input.token,
      { ip: req.ip, email: payment.customerEmail ?? undefined },
      { buyerPresent: true },
    );
    const challenge = threeDSecure.challengeOf(confirmed);
    res.json({
      payment: { id: confirmed.id, status: confirmed.status, failure_code: confirmed.failureCode },
      next_action: challenge === undefined ? null : { type: 'three_d_secure', url: `/elements/challenge/${payment.pageToken}` },
    });
  });

  /** The payment of a challenge frame, and the origins that may frame it: the gateway's own page and the merchant's shop. */
  const challengeOf = async (secret: string): Promise<{ payment: Payment; origins: readonly string[] } | undefined> => {
    const payment = PAGE_TOKEN.test(secret) ? await hosted.findByToken(secret) : undefined;
    if (payment === undefined) return undefined;
    return { payment, origins: await tokens.registeredOrigins({ merchantId: payment.merchantId, livemode: payment.livemode }) };
  };

  router.get('/elements/challenge/:secret', async (req, res) => {
    const found = await challengeOf(req.params.secret);
    if (found === undefined) throw new TenderError('resource_not_found', { message: 'No such challenge.' });
    const { payment, origins } = found;
    const locale = chooseLocale(payment.locale, req.get('accept-language'));
    const nonce = newNonce();
    const challenge = threeDSecure.challengeOf(payment);
    if (challenge === undefined) {
      sendFrame(
        req,
        res,
        nonce,
        ["'self'", ...origins],
        [],
        pages.donePage({ locale, nonce, paymentId: payment.id, status: payment.status, pageUrl: `/pay/${payment.pageToken}`, origins }),
      );
      return;
    }
    const acs = challenge.acsUrl;
    const merchant = await standing.read(payment.merchantId);
    const css = islandCss(await branding.get({ merchantId: payment.merchantId, livemode: payment.livemode }));
    const html = pages.challengePage({
      locale,
      nonce,
      css,
      merchant: merchant?.name ?? '',
      amount: formatAmount(payment.amount, payment.currency, locale),
      acsUrl: acs,
      creq: challenge.creq,
      notificationUrl: `/elements/challenge/${payment.pageToken}/return`,
    });
    sendFrame(req, res, nonce, ["'self'", ...origins], acs.startsWith('/') ? [] : [new URL(acs).origin], html);
  });

  // Posted by the issuer's ACS inside the frame: like /pay/:token/3ds, the CRes is verified by the adapter and only the first one counts.
  router.post(
    '/elements/challenge/:secret/return',
    requireBodyType('form'),
    formBody({ limit: '8kb', parameterLimit: 10 }),
    async (req: Request<{ secret: string }>, res: Response) => {
      const found = await challengeOf(req.params.secret);
      if (found === undefined) throw new TenderError('resource_not_found', { message: 'No such challenge.' });
      await hosted.completeChallenge(found.payment, (req.body as Record<string, unknown> | undefined)?.cres);
      const payment = (await hosted.findByToken(found.payment.pageToken)) ?? found.payment;
      const nonce = newNonce();
      const locale = chooseLocale(payment.locale, req.get('accept-language'));
      sendFrame(
        req,
        res,
        nonce,
        ["'self'", ...found.origins],
        [],
        pages.donePage({ locale, nonce, paymentId: payment.id, status: payment.status, pageUrl: `/pay/${payment.pageToken}`, origins: found.origins }),
      );
    },
  );

  return router;
}

function sendScript(res: Response, body: string): void {
  res.setHeader('Cache-Control', 'public, max-age=300');
  // Loaded by shop pages of other origins (a script tag): the resource is public.
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.type('application/javascript').send(body);
}

/**
 * A gateway-origin document meant to be framed by `ancestors` only: scripts are the
 * gateway's own files, styles nonce'd, connections to the gateway alone, forms to
 * the gateway (and a 3-D Secure ACS), no frames inside, no referrer.
 */
function sendFrame(req: Request, res: Response, nonce: string, ancestors: readonly string[], formActions: readonly string[], html: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: [`'nonce-${nonce}'`],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'", ...formActions],
      frameSrc: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
      frameAncestors: ancestors.length === 0 ? ["'none'"] : [...ancestors],
    },
  })(req, res, () => undefined);
  res.removeHeader('X-Frame-Options');
  res.status(200).type('html').send(html);
}
