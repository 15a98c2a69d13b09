import { Router } from 'express';
import { RouteExplainer, RoutingStrategyRegistry, ServiceResolver, TenderError, explainRequestSchema, parseInput, requireWebRole } from '@tender/core';
import { formOf, refusal, renderConsole, textField } from './console-page';

const FIELDS = ['merchant', 'mode', 'amount', 'currency', 'payment_method', 'card_bin'] as const;

/**
 * /console/routing-tester: which strategy is active, and "which route would this
 * payment take?": the form runs the same dry run as POST /admin/v1/routing/explain
 * (candidates in order with reasons, and the connections left out); nothing is
 * created and no bank is asked.
 */
export function consoleRoutingTesterRouter(container: ServiceResolver): Router {
  const router = Router();
  const strategies = container.resolve(RoutingStrategyRegistry);
  const explainer = container.resolve(RouteExplainer);
  router.use(requireWebRole('operator'));

  const page = (res: Parameters<typeof renderConsole>[0], form: Record<string, string>, extra: Record<string, unknown>, status?: number): void =>
    renderConsole(
      res,
      'routing-tester',
      { title: 'console.tester.title', strategies: strategies.list(), active: strategies.active().name, form, ...extra },
      status,
    );

  router.get('/', (_req, res) => {
    page(res, { mode: 'live', payment_method: 'card', currency: 'RUB' }, {});
  });

  router.post('/', async (req, res) => {
    const raw = formOf(req);
    const form = Object.fromEntries(FIELDS.map((f) => [f, textField(raw, f)])) as Record<(typeof FIELDS)[number], string>;
    try {
      const request = parseInput(explainRequestSchema, {
        merchant: form.merchant,
        mode: form.mode === '' ? undefined : form.mode,
        // The form sends text; the API's schema wants an integer, and refuses anything else with its own message.
        amount: /^\d{1,15}$/.test(form.amount) ? Number(form.amount) : form.amount,
        currency: form.currency.toUpperCase(),
        payment_method: form.payment_method === '' ? undefined : form.payment_method,
        card_bin: form.card_bin === '' ? undefined : form.card_bin,
      });
      page(res, form, { result: await explainer.explain(request) });
    } catch (error) {
      if (!(error instanceof TenderError)) throw error;
      const r = refusal(error);
      page(res, form, { error: { message: r.message, field: r.param ?? null } }, r.status);
    }
  });

  return router;
}
