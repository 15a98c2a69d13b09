import { z } from 'zod';
import { ErrorCode } from '../errors/error-catalogue';
import { TenderError } from '../errors/tender-error';
import { MAX_AMOUNT } from '../money/money';
import { TextKind, codePointLength, hostileTextProblem } from './hostile-text';
import { noteJsonSchema } from './openapi/schema-notes';

/**
 * Parses input with a zod schema and turns the first problem into a TenderError
 * naming the parameter (`param` is the dotted path, e.g. `payment_method.card.number`).
 * A refinement can pick a more specific catalogue code with `params: { code }`.
 *
 * @example
 * ```ts
 * const body = parseInput(createPaymentSchema, req.body);
 * ```
 */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new TenderError('parameter_invalid');
  const param = issue.path.join('.');
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    const key = issue.keys[0] ?? '';
    const full = param === '' ? key : `${param}.${key}`;
    throw new TenderError('parameter_unknown', { param: full, message: `Unknown parameter: ${full}.` });
  }
  // A missing value where one of several shapes is accepted (a union): missing, not invalid.
  const missingUnion =
    issue.code === z.ZodIssueCode.invalid_union &&
    issue.unionErrors.every((e) => e.issues[0]?.code === z.ZodIssueCode.invalid_type && e.issues[0].received === 'undefined');
  if ((issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') || missingUnion) {
    if (param === '') throw new TenderError('parameter_missing', { message: 'A JSON object body is required.' });
    throw new TenderError('parameter_missing', { param, message: `Missing required parameter: ${param}.` });
  }
  const custom = issue.code === z.ZodIssueCode.custom ? (issue.params as { code?: ErrorCode } | undefined)?.code : undefined;
  const message = param === '' ? issue.message : `Invalid ${param}: ${issue.message}`;
  throw new TenderError(custom ?? 'parameter_invalid', { ...(param === '' ? {} : { param }), message });
}

/** An object id from the URL path; a malformed one is a 400 naming `id`, before any lookup. */
export function parsePathId(prefix: string, value: unknown): string {
  const result = pathIdSchema(prefix).safeParse(value);
  if (!result.success) throw new TenderError('parameter_invalid', { param: 'id', message: `The id in the path must start with ${prefix}_.` });
  return result.data;
}

/** True when `value` is a well-formed id with `prefix` (what parsePathId accepts). */
export function isPathId(prefix: string, value: unknown): boolean {
  return pathIdSchema(prefix).safeParse(value).success;
}

// Every request with an id in its path parsed with a schema (and a RegExp) built for
// that one call; the prefixes are a handful of literals, so one schema each is kept.
const pathIdSchemas = new Map<string, z.ZodString>();

function pathIdSchema(prefix: string): z.ZodString {
  let schema = pathIdSchemas.get(prefix);
  if (schema === undefined) {
    schema = fields.id(prefix);
    pathIdSchemas.set(prefix, schema);
  }
  return schema;
}

/**
 * The hostile-text check of `kind` (hostile-text.ts) and a length in code points, as a
 * refinement to add to any string schema (`z.string().email().superRefine(textRule('line'))`).
 */
export function textRule(kind: TextKind, limits: { min?: number; max?: number } = {}): (value: string, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    const problem = hostileTextProblem(value, kind);
    if (problem !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      return;
    }
    if (limits.min === undefined && limits.max === undefined) return;
    const length = codePointLength(value);
    if (limits.min !== undefined && length < limits.min)
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: limits.min === 1 ? 'must not be empty' : `must be at least ${limits.min} characters` });
    else if (limits.max !== undefined && length > limits.max)
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be at most ${limits.max} characters` });
  };
}

// The bounds live in the refinement (code points); the note shows them in the OpenAPI document.
const text = (kind: TextKind, max: number, min: number) =>
  noteJsonSchema(z.string().superRefine(textRule(kind, { min, max })), { maxLength: max, ...(min > 0 ? { minLength: min } : {}) });

/** Reusable field rules. Every schema that takes merchant or buyer text or a number uses these. */
export const fields = {
  id: (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9A-Za-z]{1,40}$`), `must be an id starting with ${prefix}_`),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  /** Text on one line (names, descriptions, reasons): no control characters, no bidi overrides. */
  line: (max: number, min = 0) => text('line', max, min),
  /** Text that may span lines (notes, templates): tab, CR and LF allowed, other controls not. */
  multiline: (max: number, min = 0) => text('multiline', max, min),
  /** Something that identifies (order ids, keys, codes): one line, no bidi controls, no invisible characters. */
  identifier: (max: number, min = 1) => text('identifier', max, min),
  /** An integer between `min` and `max`, both within ±(2^53 - 1): a float, 2^64 or 1e300 is refused. */
  integer: (min: number, max: number) => {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw new Error('integer bounds must be safe integers');
    return z.number().int().min(min).max(max);
  },
  /** A sum of money in minor units, `min` (default 1) to MAX_AMOUNT, as amounts are (money.ts). */
  minorUnits: (min = 1) => z.number().int().min(min).max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT} minor units`),
  metadata: z
    .record(text('identifier', 40, 1), text('multiline', 500, 0))
    .refine((m) => Object.keys(m).length <= 20, 'at most 20 keys')
    .optional(),
  httpUrl: noteJsonSchema(z.string().max(2000), { format: 'uri', description: 'An absolute http(s) URL.' })
    .superRefine(textRule('identifier'))
    .refine((u) => {
      try {
        const parsed = new URL(u);
        return parsed.protocol === 'https:' || parsed.protocol === 'http:';
      } catch {
        return false;
      }
    }, 'must be an absolute http(s) URL'),
};
