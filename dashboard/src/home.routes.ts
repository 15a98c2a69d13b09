import { Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { WebSessionStore, findCurrency, formatAmount, principalOf, requireWebRole, webViewsOf } from '@tender/core';
import { PaymentStatsService, PeriodFigures } from './home/payment-stats.service';
import { safeNext } from './web-auth.middleware';
import { WebArea, shellStateOf } from './web-views';
import { ConsoleOverviewService } from './console/console-overview.service';
import { presentOverview } from './console/console-overview.view';
import { renderConsole } from './console/console-page';

/**
 * The area's home page and, in the dashboard, the test/live switch (kept in the
 * session, so every screen reads principal.mode). The dashboard home shows the
 * selected mode's figures (web/home/payment-stats.service.ts) with two uPlot charts;
 * the console home is the operator's overview (console/console-overview.service.ts).
 */
export function homeRoutes(container: ServiceResolver, area: WebArea): Router {
  const router = Router();
  const sessions = container.resolve(WebSessionStore);

  if (area === 'console') {
    router.get('/', async (_req, res) => {
      const overview = await container.resolve(ConsoleOverviewService).overview();
      renderConsole(res, 'overview', { title: 'shell.console_home.title', ...presentOverview(overview, principalOf(res).locale) });
    });
    return router;
  }

  const stats = container.resolve(PaymentStatsService);
  router.get('/', requireWebRole('owner', 'developer', 'support'), async (_req, res) => {
    const principal = principalOf(res);
    const figures = await stats.home(principal.merchantId ?? '', principal.mode === 'live');
    const locale = principal.locale;
    const percent = (bp: number | undefined): string =>
      bp === undefined ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(bp / 10_000);
    const view = (p: PeriodFigures) => ({
      count: p.count,
      approval: percent(p.approvalBasisPoints),
      volumes: p.currencies
        .filter((c) => c.volume > 0 || c.approved > 0)
        .map((c) => ({ currency: c.currency, text: formatAmount(c.volume, c.currency, locale) })),
    });
    // The chart shows one currency: the month's busiest (a chart cannot add roubles to euros).
    const currency = figures.month.currencies[0]?.currency ?? figures.daily.flatMap((d) => Object.keys(d.volume))[0];
    const exponent = currency === undefined ? 2 : (findCurrency(currency)?.exponent ?? 2);
    const chart = {
      currency: currency ?? null,
      exponent,
      days: figures.daily.map((d) => d.day / 1000),
      volume: figures.daily.map((d) => (currency === undefined ? 0 : (d.volume[currency] ?? 0))),
      approvalBasisPoints: figures.daily.map((d) => (d.approved + d.declined === 0 ? null : Math.round((d.approved * 10_000) / (d.approved + d.declined)))),
    };
    webViewsOf(res).render(res, 'shell/dashboard-home', {
      title: 'shell.home.title',
      today: view(figures.today),
      month: view(figures.month),
      declines: figures.topDeclines.map((d) => ({ code: d.code, count: d.count, label: `shell.home.reason.${d.code}` })),
      chart,
      chartCurrency: currency,
      styles: ['/web-assets/vendor/uplot.min.css'],
      scripts: ['/web-assets/vendor/uplot.iife.min.js', '/web-assets/home-charts.js'],
    });
  });

  router.post('/mode', requireWebRole('owner', 'developer', 'support'), async (req, res) => {
    const principal = principalOf(res);
    const body = req.body as Record<string, unknown>;
    const mode = body.mode === 'live' ? 'live' : 'test';
    const back = safeNext(body.back, shellStateOf(res).base);
    if (mode === 'live' && principal.mode !== 'live') {
      // Live mode only for a merchant in production, and only after saying what it means.
      if (res.locals.webMerchantLive !== true) {
        res.redirect(303, back);
        return;
      }
      if (body.confirmed !== 'yes') {
        webViewsOf(res).render(res, 'dashboard/mode-confirm', { title: 'journey.mode_confirm.title', back, styles: ['/web-assets/dashboard/dashboard.css'] });
        return;
      }
    }
    await sessions.setMode(principal.sessionId, mode);
    res.redirect(303, back);
  });

  return router;
}
