import type { ZodTypeAny } from 'zod';
import type { JsonSchema } from './json-schema';

/**
 * What a zod schema's own definition cannot tell the OpenAPI document: the bounds a
 * refinement enforces (text lengths counted in code points) or the whole shape of a
 * field validated by a custom check (amounts). Kept beside the schemas, keyed by the
 * schema object, so the validator stays the one source of truth and the note only
 * describes it.
 *
 * @example
 * ```ts
 * const amount = z.unknown().superRefine(isAmount);
 * noteJsonSchema(amount, { type: 'integer', minimum: 1 }, 'replace');
 * ```
 */
const notes = new WeakMap<ZodTypeAny, { readonly schema: JsonSchema; readonly how: 'merge' | 'replace' }>();

/** `merge`: added to what the definition gives; `replace`: used instead of it. */
export function noteJsonSchema<S extends ZodTypeAny>(schema: S, json: JsonSchema, how: 'merge' | 'replace' = 'merge'): S {
  notes.set(schema, { schema: json, how });
  return schema;
}

export function jsonSchemaNoteOf(schema: ZodTypeAny): { readonly schema: JsonSchema; readonly how: 'merge' | 'replace' } | undefined {
  return notes.get(schema);
}
