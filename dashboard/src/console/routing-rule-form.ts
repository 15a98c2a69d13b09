import { ZodIssue } from 'zod';
import { RoutingRule, RoutingRuleSet, routingRuleSetSchema } from '@tender/core';

/** One rule as the editor shows it: every field a string, lists comma-separated. */
export interface RoutingRuleRow {
  readonly index: number;
  readonly id: string;
  readonly priority: string;
  readonly payment_methods: string;
  readonly brands: string;
  readonly currencies: string;
  /** "220000-220499, 400000-499999" */
  readonly bin_ranges: string;
  readonly amount_min: string;
  readonly amount_max: string;
  /** "alfa:70, sber:30" */
  readonly targets: string;
}

const FIELDS = ['id', 'priority', 'payment_methods', 'brands', 'currencies', 'bin_ranges', 'amount_min', 'amount_max', 'targets'] as const;
type Field = (typeof FIELDS)[number];

/** Errors keyed by form field name, e.g. `rule-2-currencies`. */
export type FieldErrors = Record<string, string>;

export type RoutingFormResult =
  { readonly ok: true; readonly set: RoutingRuleSet } | { readonly ok: false; readonly rows: RoutingRuleRow[]; readonly errors: FieldErrors };

export function fieldName(index: number, field: Field): string {
  return `rule-${index}-${field}`;
}

/** The stored rules as editor rows. */
export function rowsOf(rules: readonly RoutingRule[]): RoutingRuleRow[] {
  return rules.map((r, index) => ({
    index,
    id: r.id,
    priority: String(r.priority),
    payment_methods: (r.match.payment_methods ?? []).join(', '),
    brands: (r.match.brands ?? []).join(', '),
    currencies: (r.match.currencies ?? []).join(', '),
    bin_ranges: (r.match.bin_ranges ?? []).map((b) => `${b.from}-${b.to}`).join(', '),
    amount_min: r.match.amount_min === undefined ? '' : String(r.match.amount_min),
    amount_max: r.match.amount_max === undefined ? '' : String(r.match.amount_max),
    targets: r.targets.map((t) => `${t.bank}:${t.weight}`).join(', '),
  }));
}

export function blankRow(index: number): RoutingRuleRow {
  return { index, id: '', priority: '', payment_methods: '', brands: '', currencies: '', bin_ranges: '', amount_min: '', amount_max: '', targets: '' };
}

/**
 * Reads the editor's form (`rule_count` rows of `rule-<i>-<field>`, a row with
 * `rule-<i>-delete` or left wholly blank is dropped) into a rule set, validated by
 * the same `routingRuleSetSchema` as PUT /admin/v1/routing. Every error is keyed by
 * the field it belongs to, so the page shows it next to that field.
 *
 * @example
 * ```ts
 * const r = readRoutingForm({ rule_count: '1', 'rule-0-id': 'rub', 'rule-0-priority': '1', 'rule-0-currencies': 'RUB', 'rule-0-targets': 'alfa:1' });
 * if (r.ok) await routing.replace({ kind: 'operator' }, r.set, actor);
 * ```
 */
export function readRoutingForm(body: Record<string, unknown>): RoutingFormResult {
  const count = Math.min(Math.max(Number.parseInt(text(body.rule_count), 10) || 0, 0), 201);
  const rows: RoutingRuleRow[] = [];
  for (let index = 0; index < count; index++) {
    if (body[`rule-${index}-delete`] !== undefined) continue;
    const row = { index, ...Object.fromEntries(FIELDS.map((f) => [f, text(body[fieldName(index, f)]).trim()])) } as RoutingRuleRow;
    if (FIELDS.every((f) => row[f] === '')) continue;
    rows.push(row);
  }
  const errors: FieldErrors = {};
  const candidates = rows.map((row) => candidateRule(row, errors));
  const seen = new Map<string, number>();
  for (const row of rows) {
    const earlier = seen.get(row.id);
    if (earlier !== undefined && row.id !== '') errors[fieldName(row.index, 'id')] = 'rule ids must be unique';
    seen.set(row.id, row.index);
  }
  const parsed = routingRuleSetSchema.safeParse({ rules: candidates });
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, set: parsed.data };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = keyOf(issue, rows);
      if (key !== undefined && errors[key] === undefined) errors[key] = issue.message;
    }
  }
  return { ok: false, rows, errors: Object.keys(errors).length === 0 ? { form: 'The rules are not valid.' } : errors };
}

function candidateRule(row: RoutingRuleRow, errors: FieldErrors): Record<string, unknown> {
  const match: Record<string, unknown> = {};
  const list = (value: string): string[] | undefined => (value === '' ? undefined : value.split(/[\s,]+/).filter((v) => v !== ''));
  const whole = (field: Field): number | undefined => {
    const value = row[field];
    if (value === '') return undefined;
    if (!/^\d{1,15}$/.test(value)) {
      errors[fieldName(row.index, field)] = 'must be a whole number';
      return undefined;
    }
    return Number(value);
  };
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) match[key] = value;
  };
  set('payment_methods', list(row.payment_methods));
  set('brands', list(row.brands));
  set(
    'currencies',
    list(row.currencies)?.map((c) => c.toUpperCase()),
  );
  set(
    'bin_ranges',
    list(row.bin_ranges)?.map((r) => {
      const [from, to] = r.split('-');
      return { from: from ?? '', to: to ?? from ?? '' };
    }),
  );
  set('amount_min', whole('amount_min'));
  set('amount_max', whole('amount_max'));
  const targets = (list(row.targets) ?? []).map((t) => {
    const [bank, weight] = t.split(':');
    if (weight !== undefined && !/^\d{1,4}$/.test(weight)) errors[fieldName(row.index, 'targets')] = 'write each bank as code:weight, e.g. alfa:70';
    return { bank: bank ?? '', weight: weight === undefined ? 1 : Number(weight) };
  });
  const priority = row.priority === '' ? undefined : whole('priority');
  if (row.priority === '') errors[fieldName(row.index, 'priority')] = 'required';
  return { id: row.id, priority: priority ?? 0, match, targets };
}

/** The form field a schema issue belongs to: ['rules', 2, 'match', 'currencies', 0] is the third row's currencies. */
function keyOf(issue: ZodIssue, rows: readonly RoutingRuleRow[]): string | undefined {
  const [head, position, part, sub] = issue.path;
  if (head !== 'rules' || typeof position !== 'number') return 'form';
  const row = rows[position];
  if (row === undefined) return 'form';
  if (part === 'id' || part === 'priority' || part === 'targets') return fieldName(row.index, part);
  if (part === 'match') {
    if (typeof sub === 'string' && (FIELDS as readonly string[]).includes(sub)) return fieldName(row.index, sub as Field);
    return fieldName(row.index, 'amount_max');
  }
  return fieldName(row.index, 'id');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
