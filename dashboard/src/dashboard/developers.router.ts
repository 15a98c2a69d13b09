import { Request, Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import {
  ApiKeyManagementService,
  CLOCK,
  CONFIG,
  CURRENCIES,
  Clock,
  DATABASE,
  Database,
  MerchantRepository,
  PaymentLinkService,
  TenderConfig,
  TenderError,
  WebhookDeliveryLog,
  WebhookEndpointService,
  createEndpointSchema,
  fields,
  formatAmount,
  linkView,
  parseInput,
  requireWebRole,
} from '@tender/core';
import { contextOf, formOf, pageErrorOf, renderNotFound, renderScreen } from './dashboard-page';
import { parseFormAmount } from './decimal-amount';

const KEY_ID = /^key_[0-9A-Za-z]{1,40}$/;
const ENDPOINT_ID = /^we_[0-9A-Za-z]{1,40}$/;
const EVENT_ID = /^evt_[0-9A-Za-z]{1,40}$/;

/**
 * /dashboard/developers, owner and developer only (checked here for every route,
 * whatever the navigation shows): API keys (create with a label, roll, revoke), webhook
 * endpoints with their delivery logs and a resend button, the HTML form snippet and
 * payment links. A new key or endpoint secret is shown once, in the answer to the
 * POST that made it, and never stored in the clear.
 */
export function developersRouter(container: ServiceResolver): Router {
  const router = Router();
  const keys = container.resolve(ApiKeyManagementService);
  const merchants = container.resolve(MerchantRepository);
  const endpoints = container.resolve(WebhookEndpointService);
  const deliveries = container.resolve(WebhookDeliveryLog);
  const links = container.resolve(PaymentLinkService);
  const db = container.resolve<Database>(DATABASE);
  const clock = container.resolve<Clock>(CLOCK);
  const config = container.resolve<TenderConfig>(CONFIG);
  router.use(requireWebRole('owner', 'developer'));

  async function renderOverview(res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const ctx = contextOf(res);
    const keyList = await keys.list(ctx);
    const endpointPage = await endpoints.list(ctx, { limit: 100 });
    const linkRows: Array<Record<string, unknown>> = await db('payment_links')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .orderBy('seq', 'desc')
      .limit(50);
    const publishable = keyList.find((k) => k.kind === 'publishable' && k.revoked_at === null);
    renderScreen(
      res,
      'developers',
      {
        title: 'dash.developers.title',
        keys: keyList.map((k) => ({ ...k, active: k.revoked_at === null })),
        endpoints: endpointPage.endpoints.map((e) => ({ id: e.id, url: e.url, events: e.events.join(', '), description: e.description ?? '' })),
        links: linkRows.map((row) => {
          const view = linkView(
            {
              id: String(row.id),
              merchantId: ctx.merchantId,
              livemode: ctx.livemode,
              amount: Number(row.amount),
              currency: String(row.currency),
              description: String(row.description ?? ''),
              returnUrl: null,
              token: String(row.token),
              active: Boolean(row.active),
              createdAt: Number(row.created_at),
            },
            config,
          );
          return { ...view, amount_text: formatAmount(Number(row.amount), String(row.currency), 'en') };
        }),
        snippet: snippetOf(config.publicUrl, publishable?.display ?? (ctx.livemode ? 'pk_live_...' : 'pk_test_...')),
        currencies: Object.keys(CURRENCIES),
        ...extra,
      },
      status,
    );
  }

  router.get('/', async (_req, res) => {
    await renderOverview(res, {});
  });

  router.post('/keys', async (req, res) => {
    const form = formOf(req);
    const kind = form.kind === 'publishable' ? 'publishable' : 'secret';
    // Checked, not cut: slicing could split an emoji into a lone surrogate.
    const labelInput = fields.line(100).safeParse((form.label ?? '').trim());
    if (!labelInput.success)
      return renderOverview(res, { error: { code: 'parameter_invalid', message: `The label ${labelInput.error.issues[0]?.message ?? 'is not valid'}.` } }, 400);
    const label = labelInput.data;
    const ctx = contextOf(res);
    // As in POST /v1/api_keys: live keys exist only once the operator has switched the merchant to production.
    if (ctx.livemode && (await merchants.find(db, ctx.merchantId))?.liveAt === undefined) {
      const refused = new TenderError('merchant_invalid_stage', { message: 'Live keys exist once the operator has switched you to production.' });
      return renderOverview(res, { error: { code: refused.code, message: refused.message } }, refused.status);
    }
    const issued = await keys.create(ctx, { kind, label: label === '' ? undefined : label });
    await renderOverview(res, { issued: { secret: issued.secret, label: issued.label ?? '', kind: issued.kind } }, 201);
  });

  router.post('/keys/:id/roll', async (req, res) => {
    await keyAction(req, res, async (id) => {
      const hours = Number(formOf(req).expires_in_hours ?? '24');
      const overlap = Number.isInteger(hours) && hours >= 0 && hours <= 168 ? hours : 24;
      const rolled = await keys.roll(contextOf(res), id, overlap * 3600_000);
      return { issued: { secret: rolled.key.secret, label: rolled.key.label ?? '', kind: rolled.key.kind } };
    });
  });

  router.post('/keys/:id/revoke', async (req, res) => {
    await keyAction(req, res, async (id) => {
      await keys.revoke(contextOf(res), id);
      return { notice: 'dash.developers.key_revoked' };
    });
  });

  async function keyAction(req: Request, res: Response, work: (id: string) => Promise<Record<string, unknown>>): Promise<void> {
    const id = String(req.params.id);
    if (!KEY_ID.test(id)) {
      renderNotFound(res);
      return;
    }
    try {
      await renderOverview(res, await work(id));
    } catch (error) {
      const shown = pageErrorOf(error);
      if (shown.code === 'resource_not_found') {
        renderNotFound(res);
        return;
      }
      await renderOverview(res, { error: shown }, shown.status);
    }
  }

  router.post('/webhooks', async (req, res) => {
    const form = formOf(req);
    const events = (form.events ?? '*').split(/[\s,]+/).filter((e) => e !== '');
    try {
      const input = parseInput(createEndpointSchema, { url: form.url ?? '', events, ...(form.description ? { description: form.description } : {}) });
      const created = await endpoints.create(contextOf(res), input);
      await renderOverview(res, { endpointSecret: { id: created.endpoint.id, secret: created.secret } }, 201);
    } catch (error) {
      const shown = pageErrorOf(error);
      await renderOverview(res, { error: shown }, shown.status);
    }
  });

  router.get('/webhooks/:id', async (req, res) => {
    await renderEndpoint(req, res, {});
  });

  async function renderEndpoint(req: Request, res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const id = String(req.params.id);
    if (!ENDPOINT_ID.test(id)) {
      renderNotFound(res);
      return;
    }
    const ctx = contextOf(res);
    let endpoint;
    try {
      endpoint = await endpoints.retrieve(ctx, id);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') {
        renderNotFound(res);
        return;
      }
      throw error;
    }
    const log = await deliveries.list(ctx, id, { limit: 50 });
    const eventTypes = new Map<string, string>(
      log.deliveries.length === 0
        ? []
        : (
            await db('events')
              .select('id', 'type')
              .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode })
              .whereIn(
                'id',
                log.deliveries.map((d) => d.event_id),
              )
          ).map((e: { id: string; type: string }) => [e.id, e.type]),
    );
    renderScreen(
      res,
      'webhook-endpoint',
      {
        title: 'dash.developers.webhook_log',
        endpoint: { id: endpoint.id, url: endpoint.url, events: endpoint.events.join(', '), status: endpoint.status },
        deliveries: log.deliveries.map((d) => ({ ...d, event_type: eventTypes.get(d.event_id) ?? '', last: d.attempts[0] ?? null })),
        now: new Date(clock.now()).toISOString(),
        ...extra,
      },
      status,
    );
  }

  router.post('/webhooks/:id/resend', async (req, res) => {
    const id = String(req.params.id);
    const eventId = formOf(req).event_id ?? '';
    if (!ENDPOINT_ID.test(id) || !EVENT_ID.test(eventId)) {
      renderNotFound(res);
      return;
    }
    try {
      await deliveries.redeliver(contextOf(res), eventId, id);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') {
        renderNotFound(res);
        return;
      }
      throw error;
    }
    res.redirect(303, `/dashboard/developers/webhooks/${id}?resent=${eventId}`);
  });

  router.post('/links', async (req, res) => {
    const form = formOf(req);
    const currency = (form.currency ?? '').toUpperCase();
    const amount = parseFormAmount(form.amount ?? '', currency);
    const description = (form.description ?? '').trim();
    if (amount === undefined || !fields.line(1000, 1).safeParse(description).success) {
      return renderOverview(
        res,
        { error: { code: 'parameter_invalid', message: 'A payment link needs an amount (such as 500.00), a currency and a description.' } },
        400,
      );
    }
    let link;
    try {
      // Refused like the API (merchant_suspended, merchant_not_live, test_mode_expired): shown above the form.
      link = await links.create(contextOf(res), { amount, currency, description });
    } catch (error) {
      const shown = pageErrorOf(error);
      return renderOverview(res, { error: { code: shown.code, message: shown.message } }, shown.status);
    }
    await renderOverview(res, { createdLink: linkView(link, config) }, 201);
  });

  return router;
}

/** The signed HTML form of docs/hosted-page.md for this merchant; the signature is computed on the shop's server. */
function snippetOf(publicUrl: string, publishableKey: string): string {
  return [
    `<form method="post" action="${publicUrl}/pay/form">`,
    `  <input type="hidden" name="key" value="${publishableKey}">`,
    '  <input type="hidden" name="order_id" value="A-1042">',
    '  <input type="hidden" name="amount" value="150000">',
    '  <input type="hidden" name="currency" value="RUB">',
    '  <input type="hidden" name="description" value="Two bags of coffee">',
    '  <input type="hidden" name="return_url" value="https://shop.example/return">',
    '  <input type="hidden" name="signature" value="HMAC-SHA256 computed on your server">',
    '  <button type="submit">Pay</button>',
    '</form>',
  ].join('\n');
}
