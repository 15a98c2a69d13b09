import { Request, Response, Router } from 'express';
import { CoreServices, TenderError, formBody, formatAmount, jsonBody, newNonce, parseInput, sendPage } from '@tender/core';
import { maskPhone } from '../phone/phone-number';
import { TopUp } from '../top-ups/top-up';
import { TopUpService } from '../top-ups/top-up.service';
import { topUpRequestSchema } from '../top-ups/top-up-request';
import { topUpView } from '../top-ups/top-up-view';
import { TopUpPages } from './top-up-pages';
import { rublesToKopecks } from './rubles';

const IN_PROGRESS = new Set(['paid', 'sending', 'unknown', 'refund_pending']);

/**
 * The buyer's side, public (no key): the page at `/plugins/top-up/`, its form post,
 * the status page `/plugins/top-up/status/<token>`, and the same as JSON under `/api`.
 * The token is the status page's only key: 32 random characters, not the top-up id.
 */
export function topUpPublicRoutes(core: () => CoreServices, service: () => TopUpService, pages: () => TopUpPages): Router {
  const router = Router();
  const page = (req: Request, res: Response, status: number, html: (nonce: string) => string): void => {
    const nonce = newNonce();
    sendPage(req, res, nonce, { kind: 'page', status, html: html(nonce), frameAncestors: [], formActions: [] });
  };

  router.get('/', (req, res) => {
    const locale = pages().localeOf(req.query.lang, req.get('accept-language'));
    page(req, res, 200, (nonce) => pages().renderForm(locale, nonce, { action: `${core().config.publicUrl}/plugins/top-up/`, values: {} }));
  });

  router.post('/', formBody({ limit: '4kb', parameterLimit: 10 }), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const field = (k: string): string => (typeof body[k] === 'string' ? body[k].slice(0, 320) : '');
    const locale = pages().localeOf(field('locale'), req.get('accept-language'));
    const values = { phone: field('phone'), amount: field('amount'), email: field('email') };
    try {
      const amount = rublesToKopecks(values.amount);
      if (amount === undefined || amount === 0) throw new TenderError('amount_invalid', { param: 'amount' });
      const input = parseInput(topUpRequestSchema, { phone: values.phone, amount, locale, ...(values.email === '' ? {} : { email: values.email }) });
      const { paymentUrl } = await service().create(input, req.ip);
      res.redirect(303, paymentUrl);
    } catch (error) {
      if (!(error instanceof TenderError)) throw error;
      const known = pages().text(locale, `error_${error.code}`);
      const message = known === `error_${error.code}` ? pages().text(locale, 'error_other') : known;
      page(req, res, error.status, (nonce) =>
        pages().renderForm(locale, nonce, { action: `${core().config.publicUrl}/plugins/top-up/`, error: message, values }),
      );
    }
  });

  router.get('/status/:token', async (req, res) => {
    const topUp = await service().byToken(req.params.token);
    const locale = pages().localeOf(req.query.lang ?? topUp?.locale, req.get('accept-language'));
    if (topUp === undefined) {
      page(req, res, 404, (nonce) =>
        pages().renderStatus(locale, nonce, { statusText: pages().text(locale, 'not_found'), home: `${core().config.publicUrl}/plugins/top-up/` }),
      );
      return;
    }
    const paymentUrl = await service().paymentUrlOf(topUp);
    page(req, res, 200, (nonce) => pages().renderStatus(locale, nonce, statusView(topUp, locale, paymentUrl, pages(), core().config.publicUrl)));
  });

  router.post('/api/top-ups', jsonBody({ limit: '4kb' }), async (req, res) => {
    const input = parseInput(topUpRequestSchema, req.body);
    const { topUp, paymentUrl } = await service().create(input, req.ip);
    res.status(201).json(topUpView(topUp, core().config.publicUrl, paymentUrl));
  });

  router.get('/api/top-ups/:token', async (req, res) => {
    const topUp = await service().byToken(req.params.token);
    if (topUp === undefined) throw new TenderError('resource_not_found', { message: 'No such top-up.' });
    res.json(topUpView(topUp, core().config.publicUrl, await service().paymentUrlOf(topUp)));
  });

  return router;
}

function statusView(t: TopUp, locale: 'ru' | 'en' | 'ar', paymentUrl: string | null, pages: TopUpPages, publicUrl: string): Record<string, unknown> {
  return {
    status: t.status,
    statusText: pages.text(locale, `status_${t.status}`),
    refresh: IN_PROGRESS.has(t.status),
    phone: maskPhone(t.phone),
    operator: t.operatorName,
    amount: formatAmount(t.amount, t.currency, locale),
    fee: formatAmount(t.fee, t.currency, locale),
    total: formatAmount(t.total, t.currency, locale),
    paymentUrl,
    home: `${publicUrl}/plugins/top-up/?lang=${locale}`,
  };
}
