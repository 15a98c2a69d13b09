import { z } from 'zod';
import { ErrorCode } from '../errors/error-catalogue';
import { TenderError } from '../errors/tender-error';

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
  if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') {
    if (param === '') throw new TenderError('parameter_missing', { message: 'A JSON object body is required.' });
    throw new TenderError('parameter_missing', { param, message: `Missing required parameter: ${param}.` });
  }
  const custom = issue.code === z.ZodIssueCode.custom ? (issue.params as { code?: ErrorCode } | undefined)?.code : undefined;
  const message = param === '' ? issue.message : `Invalid ${param}: ${issue.message}`;
  throw new TenderError(custom ?? 'parameter_invalid', { ...(param === '' ? {} : { param }), message });
}

/** An object id from the URL path; a malformed one is a 400 naming `id`, before any lookup. */
export function parsePathId(prefix: string, value: unknown): string {
  const result = fields.id(prefix).safeParse(value);
  if (!result.success) throw new TenderError('parameter_invalid', { param: 'id', message: `The id in the path must start with ${prefix}_.` });
  return result.data;
}

/** Reusable field rules. */
export const fields = {
  id: (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9A-Za-z]{1,40}$`), `must be an id starting with ${prefix}_`),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  metadata: z
    .record(z.string().min(1).max(40), z.string().max(500))
    .refine((m) => Object.keys(m).length <= 20, 'at most 20 keys')
    .optional(),
  httpUrl: z
    .string()
    .max(2000)
    .refine((u) => {
      try {
        const parsed = new URL(u);
        return parsed.protocol === 'https:' || parsed.protocol === 'http:';
      } catch {
        return false;
      }
    }, 'must be an absolute http(s) URL'),
};
