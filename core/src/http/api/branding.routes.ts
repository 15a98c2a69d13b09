import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { BrandingService } from '../../branding/branding.service';
import { brandingSchema } from '../../branding/branding-input';
import { brandingView } from '../../branding/branding';
import { BrandingPreview } from '../../pages/branding-preview';
import { chooseLocale } from '../../pages/page-locale';
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
  const previews = container.resolve(BrandingPreview);

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
    const html = await previews.render(ctx.merchantId, next, locale, nonce);
    sendPage(req, res, nonce, { kind: 'page', status: 200, html, frameAncestors: ["'none'"], formActions: [], document: 'preview' });
  });

  return router;
}
