import { z, ZodFirstPartyTypeKind, ZodTypeAny } from 'zod';
import { jsonSchemaNoteOf } from './schema-notes';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as a plain object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * Turns a zod 3 schema into the JSON Schema of what a client may SEND: a field with a
 * default is optional, a transform is described by its input, a refinement by the
 * schema it refines (plus any note from schema-notes.ts). Written here rather than
 * taken from a package because the gateway's install is at its package budget, and
 * the API's schemas use a small, known part of zod; a kind it does not know throws,
 * so a new kind cannot slip into the document as "anything".
 *
 * @example
 * ```ts
 * toJsonSchema(z.object({ limit: z.number().int().max(100).default(10) }).strict());
 * // { type: 'object', properties: { limit: { type: 'integer', maximum: 100, default: 10 } }, additionalProperties: false }
 * ```
 */
export function toJsonSchema(schema: ZodTypeAny, refs: SchemaRefs = new Map()): JsonSchema {
  const named = refs.get(schema);
  if (named !== undefined) return { $ref: named };
  const note = jsonSchemaNoteOf(schema);
  if (note?.how === 'replace') return note.schema;
  const base = convert(schema, (inner) => toJsonSchema(inner, refs));
  const described = schema.description === undefined ? base : { ...base, description: schema.description };
  return note === undefined ? described : { ...described, ...note.schema };
}

/** Schemas written as `{ $ref }` wherever they appear (the document's components). */
export type SchemaRefs = ReadonlyMap<ZodTypeAny, string>;

/** Whether a client may leave the field out. */
export function isOptionalInput(schema: ZodTypeAny): boolean {
  return schema.isOptional() || kindOf(schema) === ZodFirstPartyTypeKind.ZodDefault;
}

/** By name rather than instanceof: a plugin's schemas may come from another copy of zod. */
function kindOf(schema: ZodTypeAny): ZodFirstPartyTypeKind {
  return (schema._def as { typeName: ZodFirstPartyTypeKind }).typeName;
}

function convert(schema: ZodTypeAny, sub: (inner: ZodTypeAny) => JsonSchema): JsonSchema {
  const kind = kindOf(schema);
  switch (kind) {
    case ZodFirstPartyTypeKind.ZodString:
      return stringSchema(schema as z.ZodString);
    case ZodFirstPartyTypeKind.ZodNumber:
      return numberSchema(schema as z.ZodNumber);
    case ZodFirstPartyTypeKind.ZodBoolean:
      return { type: 'boolean' };
    case ZodFirstPartyTypeKind.ZodNull:
      return { type: 'null' };
    case ZodFirstPartyTypeKind.ZodUnknown:
    case ZodFirstPartyTypeKind.ZodAny:
      return {};
    case ZodFirstPartyTypeKind.ZodLiteral:
      return { const: (schema as z.ZodLiteral<unknown>).value };
    case ZodFirstPartyTypeKind.ZodEnum:
      return { type: 'string', enum: [...(schema as z.ZodEnum<[string, ...string[]]>).options] };
    case ZodFirstPartyTypeKind.ZodObject:
      return objectSchema(schema as z.AnyZodObject, sub);
    case ZodFirstPartyTypeKind.ZodRecord: {
      const record = schema as z.ZodRecord;
      const keys = sub(record.keySchema);
      // Any string key is what JSON objects have anyway: only a constrained key is worth stating.
      const plain = Object.keys(keys).length <= 1 && (keys.type === undefined || keys.type === 'string');
      return { type: 'object', ...(plain ? {} : { propertyNames: keys }), additionalProperties: sub(record.valueSchema) };
    }
    case ZodFirstPartyTypeKind.ZodArray: {
      const array = schema as z.ZodArray<ZodTypeAny>;
      const { minLength, maxLength, exactLength } = array._def;
      return {
        type: 'array',
        items: sub(array.element),
        ...(exactLength !== null ? { minItems: exactLength.value, maxItems: exactLength.value } : {}),
        ...(minLength !== null ? { minItems: minLength.value } : {}),
        ...(maxLength !== null ? { maxItems: maxLength.value } : {}),
      };
    }
    case ZodFirstPartyTypeKind.ZodUnion:
      return { anyOf: (schema as z.ZodUnion<[ZodTypeAny, ...ZodTypeAny[]]>).options.map((o) => sub(o)) };
    case ZodFirstPartyTypeKind.ZodDiscriminatedUnion:
      return { oneOf: [...(schema as z.ZodDiscriminatedUnion<string, z.AnyZodObject[]>).options].map((o) => sub(o)) };
    case ZodFirstPartyTypeKind.ZodOptional:
      return sub((schema as z.ZodOptional<ZodTypeAny>).unwrap());
    case ZodFirstPartyTypeKind.ZodNullable:
      return { anyOf: [sub((schema as z.ZodNullable<ZodTypeAny>).unwrap()), { type: 'null' }] };
    case ZodFirstPartyTypeKind.ZodDefault: {
      const d = schema as z.ZodDefault<ZodTypeAny>;
      return { ...sub(d.removeDefault()), default: d._def.defaultValue() };
    }
    case ZodFirstPartyTypeKind.ZodEffects:
      return sub((schema as z.ZodEffects<ZodTypeAny>).innerType());
    case ZodFirstPartyTypeKind.ZodPipeline:
      return sub((schema as z.ZodPipeline<ZodTypeAny, ZodTypeAny>)._def.in);
    case ZodFirstPartyTypeKind.ZodReadonly:
    case ZodFirstPartyTypeKind.ZodCatch:
    case ZodFirstPartyTypeKind.ZodBranded:
      return sub((schema._def as { innerType?: ZodTypeAny; type?: ZodTypeAny }).innerType ?? (schema._def as { type: ZodTypeAny }).type);
    case ZodFirstPartyTypeKind.ZodLazy:
      return sub((schema as z.ZodLazy<ZodTypeAny>).schema);
    default:
      throw new Error(`toJsonSchema: zod kind ${kind} is not described; add it to json-schema.ts`);
  }
}

function stringSchema(schema: z.ZodString): JsonSchema {
  const out: Record<string, unknown> = { type: 'string' };
  const patterns: string[] = [];
  for (const check of schema._def.checks) {
    if (check.kind === 'min') out.minLength = check.value;
    else if (check.kind === 'max') out.maxLength = check.value;
    else if (check.kind === 'length') out.minLength = out.maxLength = check.value;
    else if (check.kind === 'email') out.format = 'email';
    else if (check.kind === 'url') out.format = 'uri';
    else if (check.kind === 'uuid') out.format = 'uuid';
    else if (check.kind === 'datetime') out.format = 'date-time';
    else if (check.kind === 'regex') patterns.push(check.regex.source);
  }
  if (patterns.length === 1) out.pattern = patterns[0];
  else if (patterns.length > 1) return { ...out, allOf: patterns.map((pattern) => ({ pattern })) };
  return out;
}

function numberSchema(schema: z.ZodNumber): JsonSchema {
  const out: Record<string, unknown> = { type: 'number' };
  for (const check of schema._def.checks) {
    if (check.kind === 'int') out.type = 'integer';
    else if (check.kind === 'min') out[check.inclusive ? 'minimum' : 'exclusiveMinimum'] = check.value;
    else if (check.kind === 'max') out[check.inclusive ? 'maximum' : 'exclusiveMaximum'] = check.value;
    else if (check.kind === 'multipleOf') out.multipleOf = check.value;
  }
  return out;
}

function objectSchema(schema: z.AnyZodObject, sub: (inner: ZodTypeAny) => JsonSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, field] of Object.entries(schema.shape as Record<string, ZodTypeAny>)) {
    properties[key] = sub(field);
    if (!isOptionalInput(field)) required.push(key);
  }
  const catchall = schema._def.catchall as ZodTypeAny;
  // strip and passthrough both accept other keys; only strict refuses them (parameter_unknown).
  const closed = schema._def.unknownKeys === 'strict' ? { additionalProperties: false } : {};
  const additional = kindOf(catchall) === ZodFirstPartyTypeKind.ZodNever ? closed : { additionalProperties: sub(catchall) };
  return { type: 'object', properties, ...(required.length === 0 ? {} : { required }), ...additional };
}
