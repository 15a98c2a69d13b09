import { JsonSchema } from './json-schema';
import { OpenApiDocument } from './openapi-document';

/** One row of a fields table: a dotted name, its type in words, whether it is required. */
export interface FieldRow {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
}

export interface OperationView {
  readonly anchor: string;
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  readonly description: string;
  readonly auth: string;
  readonly parameters: readonly (FieldRow & { readonly in: string })[];
  readonly body: readonly FieldRow[];
  readonly responses: readonly { readonly status: string; readonly type: string }[];
}

export interface ApiReferenceView {
  readonly title: string;
  readonly description: string;
  readonly server: string;
  readonly tags: readonly { readonly name: string; readonly operations: readonly OperationView[] }[];
  readonly schemas: readonly { readonly name: string; readonly fields: readonly FieldRow[] }[];
  readonly webhooks: readonly string[];
}

type Schema = Record<string, unknown>;
const MAX_DEPTH = 4;

/**
 * What the HTML reference (/docs/api) shows, read from the OpenAPI document itself,
 * so the page and /openapi.json cannot disagree. Plain strings only: the template
 * escapes them all.
 *
 * @example
 * ```ts
 * apiReferenceView(buildOpenApiDocument(publicUrl)).tags[0].operations[0].path; // '/v1/applications'
 * ```
 */
export function apiReferenceView(doc: OpenApiDocument): ApiReferenceView {
  const info = doc.info as { title: string; description: string };
  const servers = doc.servers as { url: string }[];
  const paths = doc.paths as Record<string, Record<string, Schema>>;
  const tags = (doc.tags as { name: string }[]).map((t) => ({ name: t.name, operations: [] as OperationView[] }));
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = tags.find((t) => t.name === (op.tags as string[])[0]);
      tag?.operations.push(operationView(path, method, op));
    }
  }
  const schemas = (doc.components as { schemas: Record<string, Schema> }).schemas;
  return {
    title: info.title,
    description: info.description,
    server: servers[0]?.url ?? '',
    tags,
    schemas: Object.entries(schemas).map(([name, schema]) => ({ name, fields: fieldRows(schema, '', 0) })),
    webhooks: Object.keys(doc.webhooks ?? {}),
  };
}

function operationView(path: string, method: string, op: Schema): OperationView {
  const parameters = ((op.parameters ?? []) as Schema[]).map((p) =>
    p.$ref === '#/components/parameters/IdempotencyKey'
      ? {
          name: 'Idempotency-Key',
          in: 'header',
          type: 'string ≤ 255',
          required: false,
          description: 'Safe retries: the same key and body get the first answer again.',
        }
      : { name: String(p.name), in: String(p.in), type: typeOf(p.schema as Schema), required: p.required === true, description: describe(p.schema as Schema) },
  );
  const body = op.requestBody as { content: Record<string, { schema: Schema }> } | undefined;
  const responses = Object.entries(op.responses as Record<string, Schema>).map(([status, r]) => {
    if (r.$ref !== undefined) return { status, type: 'ApiError' };
    const content = r.content as Record<string, { schema: Schema }> | undefined;
    const json = content?.['application/json']?.schema;
    return { status, type: json === undefined ? 'HTML page' : typeOf(json) };
  });
  return {
    anchor: `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-'),
    method: method.toUpperCase(),
    path,
    summary: String(op.summary ?? ''),
    description: String(op.description ?? ''),
    auth: Array.isArray(op.security) && op.security.length === 0 ? 'no key' : 'secret key',
    parameters,
    body: body === undefined ? [] : fieldRows(body.content['application/json']?.schema ?? {}, '', 0),
    responses,
  };
}

function fieldRows(schema: Schema, prefix: string, depth: number): FieldRow[] {
  const object = nonNull(schema);
  const properties = object.properties as Record<string, Schema> | undefined;
  if (properties === undefined || depth >= MAX_DEPTH) return [];
  const required = new Set((object.required ?? []) as string[]);
  const rows: FieldRow[] = [];
  for (const [key, field] of Object.entries(properties)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    rows.push({ name, type: typeOf(field), required: required.has(key), description: describe(field) });
    rows.push(...fieldRows(field, name, depth + 1));
  }
  return rows;
}

/** The schema without its `null` alternative (nullable fields). */
function nonNull(schema: Schema): Schema {
  const anyOf = schema.anyOf as Schema[] | undefined;
  if (anyOf?.length === 2 && anyOf.some((s) => s.type === 'null')) return anyOf.find((s) => s.type !== 'null') ?? schema;
  return schema;
}

/** A short type in words: `string ≤ 128`, `integer 1…100`, `one of: a, b`, `Payment`, `list of Refund`. */
export function typeOf(schema: JsonSchema | undefined): string {
  if (schema === undefined) return 'any';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? 'object';
  const anyOf = schema.anyOf as Schema[] | undefined;
  if (anyOf !== undefined) return anyOf.map((s) => typeOf(s)).join(' or ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of: ${schema.enum.join(', ')}`;
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (properties?.object?.const === 'list') return `list of ${typeOf(properties.data.items as Schema)}`;
  if (properties?.object?.const !== undefined && Object.keys(properties).length === 1) return `${String(properties.object.const)} object`;
  switch (schema.type) {
    case 'string': {
      const bounds = [
        schema.minLength !== undefined ? `≥ ${String(schema.minLength)}` : '',
        schema.maxLength !== undefined ? `≤ ${String(schema.maxLength)}` : '',
      ]
        .filter((b) => b !== '')
        .join(' ');
      return ['string', typeof schema.format === 'string' ? `(${schema.format})` : '', bounds].filter((p) => p !== '').join(' ');
    }
    case 'integer':
    case 'number': {
      const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` ${String(schema.minimum ?? '')}…${String(schema.maximum ?? '')}` : '';
      return `${schema.type}${range}`;
    }
    case 'array':
      return `array of ${typeOf(schema.items as Schema)}`;
    case 'object':
      return properties === undefined && schema.additionalProperties !== undefined && schema.additionalProperties !== false
        ? `map of ${typeOf(schema.additionalProperties as Schema)}`
        : 'object';
    default:
      return typeof schema.type === 'string' ? schema.type : 'any';
  }
}

function describe(schema: Schema | undefined): string {
  if (schema === undefined) return '';
  const parts = [
    typeof schema.description === 'string' ? schema.description : '',
    schema.default !== undefined ? `Default ${JSON.stringify(schema.default)}.` : '',
    typeof schema.pattern === 'string' ? `Pattern ${schema.pattern}` : '',
  ];
  return parts.filter((p) => p !== '').join(' ');
}
