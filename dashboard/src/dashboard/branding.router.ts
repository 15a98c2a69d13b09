import { Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import {
  Branding,
  BrandingPreview,
  BrandingService,
  brandingSchema,
  isPageLocale,
  newNonce,
  parseInput,
  principalOf,
  requireWebRole,
  sendPage,
} from '@tender/core';
import { contextOf, formOf, pageErrorOf, renderScreen } from './dashboard-page';
import { BrandingDrafts } from './branding-drafts';

/**
 * /dashboard/branding (owner, developer): the payment page editor. "Preview" checks
 * the form with the same schema and template compiler as PUT /v1/branding and keeps
 * it as a draft; two frames show the real hosted page renderer with the draft at a
 * desktop and a phone width. "Publish" stores the draft as the branding buyers see.
 */
export function brandingRouter(container: ServiceResolver): Router {
  const router = Router();
  const branding = container.resolve(BrandingService);
  const drafts = container.resolve(BrandingDrafts);
  const previews = container.resolve(BrandingPreview);
  router.use(requireWebRole('owner', 'developer'));

  async function renderEditor(res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const ctx = contextOf(res);
    const draft = await drafts.find(ctx);
    const shown = draft === undefined ? await branding.get(ctx) : await branding.merged(ctx, draft).catch(async () => branding.get(ctx));
    renderScreen(
      res,
      'branding',
      { title: 'dash.branding.title', form: formValues(shown), hasDraft: draft !== undefined, version: Date.now().toString(36), ...extra },
      status,
    );
  }

  router.get('/', async (_req, res) => {
    await renderEditor(res, {});
  });

  router.post('/preview', async (req, res) => {
    const ctx = contextOf(res);
    try {
      const input = parseInput(brandingSchema, inputOf(formOf(req)));
      await branding.merged(ctx, input);
      await drafts.save(ctx, input);
    } catch (error) {
      const shown = pageErrorOf(error);
      renderScreen(res, 'branding', { title: 'dash.branding.title', form: formOf(req), error: shown, hasDraft: false }, shown.status);
      return;
    }
    await renderEditor(res, { previewed: true });
  });

  router.post('/publish', async (_req, res) => {
    const ctx = contextOf(res);
    const draft = await drafts.find(ctx);
    try {
      if (draft !== undefined) await branding.update(ctx, draft);
    } catch (error) {
      return renderEditor(res, { error: pageErrorOf(error) }, 400);
    }
    await drafts.discard(ctx);
    await renderEditor(res, { published: true });
  });

  router.post('/discard', async (_req, res) => {
    await drafts.discard(contextOf(res));
    res.redirect(303, '/dashboard/branding');
  });

  // The preview frame: the hosted page renderer with sample data, framed only by the dashboard itself, in
  // <iframe sandbox> with a CSP sandbox of its own: a template never runs on the dashboard's origin.
  router.get('/frame', async (req, res) => {
    const ctx = contextOf(res);
    const draft = await drafts.find(ctx);
    let next: Branding;
    try {
      next = draft === undefined ? await branding.get(ctx) : await branding.merged(ctx, draft);
    } catch {
      next = await branding.get(ctx);
    }
    const wanted = typeof req.query.locale === 'string' ? req.query.locale : principalOf(res).locale;
    const locale = isPageLocale(wanted) ? wanted : 'en';
    const nonce = newNonce();
    const html = await previews.render(ctx.merchantId, next, locale, nonce);
    sendPage(req, res, nonce, { kind: 'page', status: 200, html, frameAncestors: ["'self'"], formActions: [], document: 'preview' });
  });

  return router;
}

/** The editor's fields; blank means "none" (null), as PUT /v1/branding takes it. */
function inputOf(form: Record<string, string>): Record<string, unknown> {
  const text = (name: string): string | null => {
    const value = (form[name] ?? '').trim();
    return value === '' ? null : value;
  };
  const origins = (form.frame_ancestors ?? '').split(/\s+/).filter((o) => o !== '');
  return {
    logo_url: text('logo_url'),
    primary_color: text('primary_color'),
    background_color: text('background_color'),
    text_color: text('text_color'),
    font: text('font'),
    button_style: text('button_style'),
    custom_css: text('custom_css'),
    template: text('template'),
    frame_ancestors: origins,
  };
}

function formValues(b: Branding): Record<string, string> {
  return {
    logo_url: b.logoUrl ?? '',
    primary_color: b.primaryColor ?? '',
    background_color: b.backgroundColor ?? '',
    text_color: b.textColor ?? '',
    font: b.font ?? '',
    button_style: b.buttonStyle ?? '',
    custom_css: b.customCss ?? '',
    template: b.template ?? '',
    frame_ancestors: b.frameAncestors.join('\n'),
  };
}
