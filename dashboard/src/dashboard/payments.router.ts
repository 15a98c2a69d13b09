import { Readable } from 'node:stream';
import { Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import {
  CURRENCIES,
  PAYMENT_STATUSES,
  PaymentMethodRegistry,
  PaymentService,
  TenderError,
  fields,
  parseInput,
  principalOf,
  requireWebRole,
} from '@tender/core';
import { FORM_KEY_PATTERN, contextOf, formOf, newFormKey, pageErrorOf, renderNotFound, renderScreen } from './dashboard-page';
import { PaymentSearch } from './payment-search';
import { PAYMENT_METHOD_FILTERS, cursorOf, filterOf, filterQuery, isMethodType, paymentFilterSchema } from './payment-filter';
import { paymentCsvHeader, paymentCsvLine } from './payment-csv';
import { PaymentTimelineAssembler } from './payment-timeline';
import { paymentActionsOf, paymentDetailView, paymentRowView, refundRowView, timelineView } from './payment-presenter';
import { DashboardPaymentActions } from './payment-actions';
import { merchantTimeZoneOf } from './merchant-time';
import { SupportRefundLimits } from './support-refund-limits';
import { minorToDecimal, parseFormAmount } from './decimal-amount';

const PAYMENT_ID = /^pay_[0-9A-Za-z]{1,40}$/;
const pageSize = z.preprocess((v) => (v === undefined || v === '' ? undefined : v), z.coerce.number().int().min(1).max(100).default(50));
const ACTIONS = ['capture', 'cancel', 'refund'] as const;
type PaymentAction = (typeof ACTIONS)[number];

/**
 * /dashboard/payments: the table (search, filters, keyset pages), its CSV export,
 * the payment page with its timeline, and capture / cancel / refund, each shown
 * first as a confirmation page. All roles may use it; support refunds up to the
 * merchant's support limit, which owners set under /dashboard/payments/refund-limits.
 */
export function paymentsRouter(container: ServiceResolver): Router {
  const router = Router();
  const search = container.resolve(PaymentSearch);
  const payments = container.resolve(PaymentService);
  // Times in the merchant's time zone (else the operator's), in the screen's language.
  const zoneOf = merchantTimeZoneOf(container);
  const timelines = container.resolve(PaymentTimelineAssembler);
  const actions = container.resolve(DashboardPaymentActions);
  const limits = container.resolve(SupportRefundLimits);
  // A method type is offered as a filter only when a registered payment method has it (no 'account' without the plugin).
  const registered = new Set(
    container
      .resolve(PaymentMethodRegistry)
      .all()
      .map((m) => m.type),
  );
  const methodFilters = PAYMENT_METHOD_FILTERS.filter((value) => !isMethodType(value) || registered.has(value));
  router.use(requireWebRole('owner', 'developer', 'support'));

  // Handlebars here has no comparison helpers: the template gets each option with its `selected` flag.
  const optionsFor = (filter: Partial<Record<'status' | 'method' | 'currency', string>>) => ({
    statuses: PAYMENT_STATUSES.map((value) => ({ value, selected: filter.status === value })),
    methods: methodFilters.map((value) => ({ value, selected: filter.method === value })),
    currencies: Object.keys(CURRENCIES).map((value) => ({ value, selected: filter.currency === value })),
  });

  router.get('/', async (req, res) => {
    const parsed = paymentFilterSchema.safeParse(req.query);
    const limit = pageSize.safeParse((req.query as Record<string, unknown>).limit);
    if (!parsed.success || !limit.success) {
      const issue = parsed.success ? undefined : parsed.error.issues[0];
      renderScreen(
        res,
        'payments',
        {
          title: 'dash.payments.title',
          filter: {},
          options: optionsFor({}),
          rows: [],
          error: issue === undefined ? 'limit' : `${issue.path.join('.')}: ${issue.message}`,
        },
        400,
      );
      return;
    }
    const principal = principalOf(res);
    const timeZone = await zoneOf(res);
    const page = await search.page(contextOf(res), filterOf(parsed.data), cursorOf(parsed.data), limit.data);
    const query = filterQuery(parsed.data);
    const limitParam = limit.data === 50 ? '' : `limit=${limit.data}`;
    const join = (...parts: string[]) => parts.filter((p) => p !== '').join('&');
    renderScreen(res, 'payments', {
      title: 'dash.payments.title',
      filter: parsed.data,
      options: optionsFor(parsed.data),
      rows: page.payments.map((p) => paymentRowView(p, principal.locale, timeZone)),
      time_zone: timeZone,
      nextLink: page.nextCursor === undefined ? undefined : `?${join(query, limitParam, `cursor=${page.nextCursor}`)}`,
      firstLink: parsed.data.cursor === undefined ? undefined : `?${join(query, limitParam)}`,
      exportLink: `/dashboard/payments/export.csv${query === '' ? '' : `?${query}`}`,
      canSetLimits: principal.role === 'owner',
    });
  });

  router.get('/export.csv', async (req, res) => {
    const parsed = paymentFilterSchema.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).type('text/plain').send('invalid filter');
      return;
    }
    const ctx = contextOf(res);
    const filter = filterOf(parsed.data);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="payments-${ctx.livemode ? 'live' : 'test'}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    async function* lines(): AsyncGenerator<string> {
      // The byte order mark makes spreadsheet programs read the file as UTF-8.
      yield `\uFEFF${paymentCsvHeader()}`;
      for await (const batch of search.batches(ctx, filter)) yield batch.map(paymentCsvLine).join('');
    }
    // Readable.from + pipe respects backpressure: a slow client never makes the export hold more than one batch.
    await new Promise<void>((resolve, reject) => {
      const stream = Readable.from(lines());
      stream.on('error', (error) => {
        res.destroy(error);
        reject(error);
      });
      res.on('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  });

  router.get('/refund-limits', requireWebRole('owner'), async (_req, res) => {
    await renderLimits(res, undefined, 200);
  });

  router.post('/refund-limits', requireWebRole('owner'), async (req, res) => {
    const form = formOf(req);
    const currency = (form.currency ?? '').toUpperCase();
    const amount = form.max_amount === '0' ? 0 : parseFormAmount(form.max_amount ?? '', currency);
    if (!Object.prototype.hasOwnProperty.call(CURRENCIES, currency) || amount === undefined) {
      await renderLimits(res, 'refund_limits.invalid', 400);
      return;
    }
    await limits.set(contextOf(res), currency, amount);
    res.redirect(303, '/dashboard/payments/refund-limits');
  });

  async function renderLimits(res: Response, error: string | undefined, status: number): Promise<void> {
    const rows = (await limits.list(contextOf(res))).map((l) => ({ currency: l.currency, max_amount: minorToDecimal(l.maxAmount, l.currency) }));
    renderScreen(
      res,
      'refund-limits',
      { title: 'dash.refund_limits.title', limits: rows, currencies: Object.keys(CURRENCIES).map((value) => ({ value, selected: false })), error },
      status,
    );
  }

  router.get('/:id', async (req, res) => {
    const done = typeof req.query.done === 'string' && (ACTIONS as readonly string[]).includes(req.query.done) ? req.query.done : undefined;
    await renderPayment(req.params.id, res, { done });
  });

  async function renderPayment(id: string, res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    if (!PAYMENT_ID.test(id)) {
      renderNotFound(res);
      return;
    }
    const ctx = contextOf(res);
    const principal = principalOf(res);
    let payment;
    try {
      payment = await payments.retrieve(ctx, id);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') {
        renderNotFound(res);
        return;
      }
      throw error;
    }
    const timeline = await timelines.assemble(ctx, payment);
    const timeZone = await zoneOf(res);
    renderScreen(
      res,
      'payment',
      {
        title: 'dash.payment.title',
        payment: paymentDetailView(payment, principal.locale, timeZone),
        timeline: timelineView(timeline.entries, payment.currency, principal.locale, timeZone),
        refunds: timeline.refunds.map((r) => refundRowView(r, principal.locale, timeZone)),
        ...extra,
      },
      status,
    );
  }

  // Step 1 of each action: a confirmation page that says exactly what will happen. Nothing changes yet.
  router.post('/:id/:action/review', async (req, res) => {
    const action = req.params.action as PaymentAction;
    if (!ACTIONS.includes(action) || !PAYMENT_ID.test(req.params.id)) {
      renderNotFound(res);
      return;
    }
    const ctx = contextOf(res);
    const principal = principalOf(res);
    let payment;
    try {
      payment = await payments.retrieve(ctx, req.params.id);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') {
        renderNotFound(res);
        return;
      }
      throw error;
    }
    const form = formOf(req);
    const allowed = paymentActionsOf(payment);
    if (!allowed[action])
      return renderPayment(
        payment.id,
        res,
        { error: { code: 'payment_invalid_state', message: `Cannot ${action} a payment that is ${payment.status}.` } },
        409,
      );
    let amount: number | undefined;
    if (action === 'refund' || (action === 'capture' && (form.amount ?? '') !== '')) {
      amount = parseFormAmount(form.amount ?? '', payment.currency);
      if (amount === undefined) return renderPayment(payment.id, res, { error: { code: 'amount_invalid', message: 'Enter an amount such as 150.00.' } }, 400);
    }
    // Said before the confirmation, not after it; the confirmed step checks again (DashboardPaymentActions).
    if (action === 'refund' && principal.role === 'support' && amount !== undefined && !(await limits.allows(ctx, payment.currency, amount))) {
      const refused = new TenderError('refund_limit_exceeded', { param: 'amount' });
      return renderPayment(payment.id, res, { error: { code: refused.code, message: refused.message } }, refused.status);
    }
    renderScreen(res, 'payment-confirm', {
      title: `dash.payment.confirm_${action}`,
      action,
      payment: paymentDetailView(payment, principal.locale, await zoneOf(res)),
      confirm_amount: amount === undefined ? '' : minorToDecimal(amount, payment.currency),
      amountText: amount === undefined ? '' : `${minorToDecimal(amount, payment.currency)} ${payment.currency}`,
      reason: (form.reason ?? '').slice(0, 500),
      formKey: newFormKey(),
    });
  });

  // Step 2: the confirmed action, through the payment and refund services.
  router.post('/:id/:action', async (req, res) => {
    const action = req.params.action as PaymentAction;
    if (!ACTIONS.includes(action) || !PAYMENT_ID.test(req.params.id)) {
      renderNotFound(res);
      return;
    }
    const id = req.params.id;
    const form = formOf(req);
    const formKey = form.form_key ?? '';
    if (!FORM_KEY_PATTERN.test(formKey))
      return renderPayment(id, res, { error: { code: 'parameter_invalid', message: 'Confirm the action on its confirmation page.' } }, 400);
    const principal = principalOf(res);
    const actor = { ctx: contextOf(res), role: principal.role };
    try {
      const payment = await payments.retrieve(actor.ctx, id);
      const amount = (form.amount ?? '') === '' ? undefined : parseFormAmount(form.amount ?? '', payment.currency);
      if ((form.amount ?? '') !== '' && amount === undefined) throw new TenderError('amount_invalid', { param: 'amount' });
      if (action === 'capture') await actions.capture(actor, id, amount, formKey);
      else if (action === 'cancel') await actions.cancel(actor, id, formKey);
      else {
        if (amount === undefined) throw new TenderError('amount_invalid', { param: 'amount' });
        const reason = parseInput(fields.line(500), (form.reason ?? '').trim());
        await actions.refund(actor, id, amount, reason === '' ? undefined : reason, formKey);
      }
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') {
        renderNotFound(res);
        return;
      }
      const shown = pageErrorOf(error);
      return renderPayment(id, res, { error: shown }, shown.status);
    }
    res.redirect(303, `/dashboard/payments/${id}?done=${action}`);
  });

  return router;
}
