import { Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { BankCatalogueService, DATABASE, Database, RoutingService, requireWebRole } from '@tender/core';
import { consoleActor, formOf, renderConsole, textField, utc } from './console-page';
import { FieldErrors, RoutingRuleRow, blankRow, readRoutingForm, rowsOf } from './routing-rule-form';

const OPERATOR = { kind: 'operator' as const };

/**
 * /console/routing: the operator-wide routing rules as an editable table. Saving runs
 * the schema of PUT /admin/v1/routing and RoutingService.replace (a new version,
 * audited with the operator account); a refused form changes nothing and shows each
 * error next to its field.
 */
export function consoleRoutingRouter(container: ServiceResolver): Router {
  const router = Router();
  const routing = container.resolve(RoutingService);
  const banks = container.resolve(BankCatalogueService);
  const db = container.resolve<Database>(DATABASE);
  router.use(requireWebRole('operator'));

  async function page(
    res: Parameters<typeof renderConsole>[0],
    rows: RoutingRuleRow[] | undefined,
    errors: FieldErrors,
    extra: Record<string, unknown>,
    status?: number,
  ): Promise<void> {
    const [current, versions, catalogue] = await Promise.all([routing.current(OPERATOR), routing.versions(OPERATOR), banks.list(db, undefined)]);
    const shown = rows ?? rowsOf(current?.rules ?? []);
    const withBlank = [
      ...shown.map((r, i) => ({ ...r, index: i, number: i + 1, errors: errorsOf(errors, r.index) })),
      { ...blankRow(shown.length), errors: {}, blank: true },
    ];
    renderConsole(
      res,
      'routing',
      {
        title: 'console.routing.title',
        version: current?.version ?? 0,
        rows: withBlank,
        ruleCount: withBlank.length,
        // Routing names banks by code; the schema checks the form of a code, this list shows which exist.
        bankCodes: catalogue.map((b) => b.code).join(', '),
        formError: errors.form ?? null,
        invalid: Object.keys(errors).length > 0,
        versions: versions.slice(0, 10).map((v) => ({ version: v.version, rules: v.rules.length, created: utc(v.createdAt) })),
        ...extra,
      },
      status,
    );
  }

  router.get('/', async (req, res) => {
    const saved = typeof req.query.saved === 'string' && /^\d{1,9}$/.test(req.query.saved) ? req.query.saved : null;
    await page(res, undefined, {}, { saved });
  });

  router.post('/', async (req, res) => {
    const form = formOf(req);
    const result = readRoutingForm(form);
    if (!result.ok) return page(res, result.rows, result.errors, {}, 422);
    // Two operators editing at once: the second save would silently drop the first's rules.
    const base = textField(form, 'base_version');
    const current = await routing.current(OPERATOR);
    if (base !== String(current?.version ?? 0)) {
      return page(res, rowsOf(result.set.rules), {}, { stale: true, latest: current?.version ?? 0 }, 409);
    }
    const version = await routing.replace(OPERATOR, result.set, consoleActor(res));
    res.redirect(303, `${req.baseUrl}?saved=${version.version}`);
  });

  return router;
}

/** The errors of one form row, keyed by field ('currencies', 'targets', ...). */
function errorsOf(errors: FieldErrors, index: number): Record<string, string> {
  const prefix = `rule-${index}-`;
  return Object.fromEntries(
    Object.entries(errors)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}
