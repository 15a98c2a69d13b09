import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { BrandingService } from '../../branding/branding.service';
import { brandingSchema } from '../../branding/branding-input';
import { brandingView } from '../../branding/branding';
import { PageTheme } from '../../pages/page-theme';
import { basicContext, merchantContext, paymentContext } from '../../pages/page-context';
import { chooseLocale, message } from '../../pages/page-locale';
import { HostedPageService } from '../../pages/hosted-page.service';
import { parseInput } from '../validation';
import { callerOf } from '../middleware/merchant-auth';
import { newNonce, sendPage } from '../pay/page-response';

/**
 * /v1/branding: the merchant's page branding. POST /v1/branding/preview takes the
 * same body as PUT and answers the payment page (HTML) with sample data, storing
 * nothing, so a merchant sees a change before it goes live.
 */
export function brandingRoutes(container: DependencyContainer): Router {
  const router = Router();
  const branding = container.resolve(BrandingService);
  const theme = container.resolve(PageTheme);
  const pages = container.resolve(HostedPageService);

  router.get('/branding', async (_req, res) => {
    res.json(brandingView(await branding.get(callerOf(res))));
  });

  router.put('/branding', async (req, res) => {
    const input = parseInput(brandingSchema, req.body);
    res.json(brandingView(await branding.update(callerOf(res), input)));
  });

  router.post('/branding/preview', async (req, res) => {
    const ctx = callerOf(res);
    const input = parseInput(brandingSchema, req.body ?? {});
    const next = await branding.merged(ctx, input);
    const locale = chooseLocale(typeof req.query.locale === 'string' ? req.query.locale : null, req.get('accept-language'));
    const nonce = newNonce();
    const name = await pages.merchantName(ctx.merchantId);
    const html = theme.render(
      'payment',
      {
        ...basicContext({ locale, messages: theme.messages[locale], nonce, branding: next }, `${message(theme.messages, locale, 'title')}: ${name}`),
        merchant: merchantContext(name, next),
        payment: paymentContext({ amount: 150000, currency: 'RUB', description: 'Sample order: 2 items', orderId: 'PREVIEW-1001' }, locale),
        form: { action: '#', token: 'preview', holder_name: '', errors: {}, alert: null, alert_title: null, alert_retry: null },
      },
      next.template,
    );
    sendPage(req, res, nonce, { kind: 'page', status: 200, html, frameAncestors: [], formActions: [] });
  });

  return router;
}
