import { findCurrency } from '@tender/core';
import { DECIMAL_PATTERN, decimalToMinor, minorToDecimal } from './dashboard/decimal-amount';

/** How a field is typed in: an integer, a choice (blank: inherit), amounts per currency in major units, or JSON for nested settings. */
export type RuleFieldKind = 'integer' | 'hours' | 'choice' | 'money' | 'json';

/** One field of the rules form; `name` is the setting's path, so a refusal's `param` finds its field. */
export interface RuleField {
  readonly name: string;
  readonly label: string;
  readonly kind: RuleFieldKind;
  readonly value: string;
  readonly options?: readonly string[];
  /** For amounts kept in minor units (a rule's currency-less threshold): said beside the field. */
  readonly minorUnits?: boolean;
  readonly error?: string;
}

export interface RuleSection {
  readonly code: string;
  readonly fields: readonly RuleField[];
}

/** What the form needs of a registered rule: its code and its defaults (their keys and types are the fields). */
export interface RuleShape {
  readonly code: string;
  readonly defaults: object;
}

type Settings = Record<string, unknown>;

const TRI = ['', 'true', 'false'] as const;
const MONEY_KEYS = new Set(['max_amounts']);

/**
 * The risk-rules form: a field per setting instead of raw JSON. Blank fields are not
 * set (the operator's set, then the defaults, apply). Amounts per currency are typed
 * in major units ("RUB 15000.00", one per line) and converted exactly to minor units
 * with the currency's exponent; nested settings (velocity limits, lists) stay JSON
 * fields of their own. `settingsFromForm` refuses what it cannot read field by field;
 * the rule set's own validation (RiskRuleSetService) checks the rest and names the
 * field in `param`.
 *
 * @example
 * ```ts
 * const sections = ruleSections(current.settings, rules);
 * const parsed = settingsFromForm({ 'thresholds.review': '60', 'rules.amount.max_amounts': 'RUB 15000.00' }, rules);
 * // parsed.body: { thresholds: { review: 60 }, rules: { amount: { max_amounts: { RUB: 1500000 } } } }
 * ```
 */
export function ruleSections(
  settings: Settings,
  rules: readonly RuleShape[],
  typed: Readonly<Record<string, string>> | undefined = undefined,
  errors: Readonly<Record<string, string>> = {},
): RuleSection[] {
  const at = (path: string): unknown =>
    path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Settings)[key] : undefined), settings);
  const field = (name: string, kind: RuleFieldKind, extra: Partial<RuleField> = {}): RuleField => ({
    name,
    label: name.split('.').slice(-1)[0] ?? name,
    kind,
    value: typed !== undefined ? (typed[name] ?? '') : shown(kind, at(kind === 'hours' ? 'review.expire_after_seconds' : name)),
    ...(errors[name] === undefined ? {} : { error: errors[name] }),
    ...extra,
  });
  const general: RuleField[] = [
    field('dry_run', 'choice', { options: TRI }),
    field('thresholds.challenge', 'integer'),
    field('thresholds.review', 'integer'),
    field('thresholds.block', 'integer'),
    field('challenge_fallback', 'choice', { options: ['', 'allow', 'review', 'block'] }),
    field('review.expire_after_hours', 'hours'),
    field('review.expire_decision', 'choice', { options: ['', 'reject', 'approve'] }),
    field('alerts', 'json'),
  ];
  const sections: RuleSection[] = [{ code: 'general', fields: general }];
  for (const rule of rules) {
    const fields: RuleField[] = [
      field(`rules.${rule.code}.enabled`, 'choice', { options: TRI }),
      field(`rules.${rule.code}.mode`, 'choice', { options: ['', 'enforce', 'dry_run'] }),
    ];
    for (const [key, value] of Object.entries(rule.defaults)) {
      const name = `rules.${rule.code}.${key}`;
      if (MONEY_KEYS.has(key)) fields.push(field(name, 'money'));
      else if (typeof value === 'number') fields.push(field(name, 'integer', /amount/.test(key) ? { minorUnits: true } : {}));
      else if (typeof value === 'boolean') fields.push(field(name, 'choice', { options: TRI }));
      else fields.push(field(name, 'json'));
    }
    sections.push({ code: rule.code, fields });
  }
  return sections;
}

/** The form's fields as a rule-set body, or the fields it could not read (nothing is saved then). */
export function settingsFromForm(form: Readonly<Record<string, string>>, rules: readonly RuleShape[]): { body: Settings } | { errors: Record<string, string> } {
  const body: Settings = {};
  const errors: Record<string, string> = {};
  for (const section of ruleSections({}, rules, form)) {
    for (const f of section.fields) {
      const raw = f.value.trim();
      if (raw === '') continue;
      const read = readField(f.kind, raw);
      if ('error' in read) errors[f.name] = read.error;
      else put(body, f.kind === 'hours' ? 'review.expire_after_seconds' : f.name, read.value);
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { body };
}

/** The field a refusal's `param` (`rules.amount.max_amounts.RUB`) belongs to: the longest field name it starts with. */
export function fieldOfParam(param: string | undefined, rules: readonly RuleShape[]): string {
  if (param === undefined) return 'form';
  if (param.startsWith('review.expire_after_seconds')) return 'review.expire_after_hours';
  const names = ruleSections({}, rules).flatMap((s) => s.fields.map((f) => f.name));
  return names.filter((n) => param === n || param.startsWith(`${n}.`)).sort((a, b) => b.length - a.length)[0] ?? 'form';
}

function readField(kind: RuleFieldKind, raw: string): { value: unknown } | { error: string } {
  switch (kind) {
    case 'integer':
      return /^-?\d{1,9}$/.test(raw) ? { value: Number(raw) } : { error: 'must be a whole number' };
    case 'hours': {
      // Hours with up to two decimals, to whole seconds without a float: hundredths of an hour are 36 s.
      if (!DECIMAL_PATTERN.test(raw)) return { error: 'must be a number of hours, such as 24 or 1.5' };
      const [, fraction = ''] = raw.replace(',', '.').split('.');
      if (fraction.length > 2) return { error: 'at most two decimals' };
      return { value: decimalToMinor(raw, 2, 'floor') * 36 };
    }
    case 'choice':
      return raw === 'true' ? { value: true } : raw === 'false' ? { value: false } : { value: raw };
    case 'money':
      return readAmounts(raw);
    case 'json':
      try {
        return { value: JSON.parse(raw) as unknown };
      } catch {
        return { error: 'must be JSON' };
      }
  }
}

/** "RUB 15000.00" per line (or comma) to { RUB: 1500000 }: the currency's exponent, no more decimals than it has. */
function readAmounts(raw: string): { value: Record<string, number> } | { error: string } {
  const out: Record<string, number> = {};
  for (const line of raw
    .split(/[\n,;]+/)
    .map((l) => l.trim())
    .filter((l) => l !== '')) {
    const m = /^([A-Za-z]{3})\s+(\S+)$/.exec(line);
    const currency = m?.[1]?.toUpperCase() ?? '';
    const exponent = findCurrency(currency)?.exponent;
    if (m === undefined || m === null || exponent === undefined)
      return { error: `"${line.slice(0, 40)}": write a currency and an amount, such as RUB 15000.00` };
    const amount = (m[2] ?? '').replace(',', '.');
    const [, fraction = ''] = amount.split('.');
    if (!DECIMAL_PATTERN.test(amount) || fraction.length > exponent)
      return { error: `"${line.slice(0, 40)}": ${currency} takes amounts with at most ${exponent} decimals` };
    out[currency] = decimalToMinor(amount, exponent, 'floor');
  }
  return { value: out };
}

function shown(kind: RuleFieldKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (kind === 'hours') return typeof value === 'number' ? hoursOf(value) : '';
  if (kind === 'money' && typeof value === 'object')
    return Object.entries(value as Record<string, number>)
      .map(([c, minor]) => `${c} ${minorToDecimal(minor, c)}`)
      .join('\n');
  if (kind === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

/** Seconds as hours with at most two decimals (what the field takes back). */
function hoursOf(seconds: number): string {
  const hundredths = Math.round(seconds / 36);
  const whole = Math.trunc(hundredths / 100);
  const rest = hundredths % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

function put(target: Settings, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (next !== null && typeof next === 'object' ? next : (node[key] = {})) as Settings;
  }
  node[keys[keys.length - 1] ?? path] = value;
}
