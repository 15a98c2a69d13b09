import { JsonSchema } from './json-schema';
import { OpenApiDocument } from './openapi-document';

type Schema = Record<string, unknown>;

/**
 * TypeScript declarations of an OpenAPI document: one interface per component schema
 * (`Payment`, `Refund`, ...) and, per operation, `<OperationId>Body` and
 * `<OperationId>Query` for what it takes. @tender/client's src/generated/api-types.ts
 * is this output for the gateway's document (scripts/generate-client-types.js); a
 * test fails when the committed file differs from it.
 *
 * @example
 * ```ts
 * fs.writeFileSync('api-types.ts', typeScriptTypes(buildOpenApiDocument('http://localhost:8080')));
 * ```
 */
export function typeScriptTypes(doc: OpenApiDocument): string {
  const out: string[] = [
    "// Generated from the gateway's OpenAPI document (/openapi.json) by scripts/generate-client-types.js.",
    '// Do not edit: change the zod schemas in @tender/core and regenerate.',
    '/* eslint-disable */',
    '',
  ];
  const schemas = (doc.components as { schemas: Record<string, Schema> }).schemas;
  for (const [name, schema] of Object.entries(schemas)) out.push(declaration(name, schema));
  // Two operations that take the same schema (PUT /v1/branding and its preview) share one declaration.
  const seen = new Map<string, string>();
  const declare = (name: string, schema: Schema, doc: string): void => {
    const key = JSON.stringify(schema);
    const earlier = seen.get(key);
    if (earlier !== undefined) out.push(`/** ${doc} */\nexport type ${name} = ${earlier};\n`);
    else out.push(declaration(name, schema, doc));
    if (earlier === undefined) seen.set(key, name);
  };
  const paths = doc.paths as Record<string, Record<string, Schema>>;
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const id = String(op.operationId);
      const title = id.charAt(0).toUpperCase() + id.slice(1);
      const body = (op.requestBody as { content: Record<string, { schema: Schema }> } | undefined)?.content['application/json']?.schema;
      if (body !== undefined) declare(`${title}Body`, body, `The body of ${method.toUpperCase()} ${path}.`);
      const query = ((op.parameters ?? []) as Schema[]).filter((p) => p.in === 'query');
      if (query.length > 0) {
        const properties = Object.fromEntries(query.map((p) => [String(p.name), p.schema as Schema]));
        const required = query.filter((p) => p.required === true).map((p) => String(p.name));
        declare(`${title}Query`, { type: 'object', properties, required, additionalProperties: false }, `The query of ${method.toUpperCase()} ${path}.`);
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function declaration(name: string, schema: Schema, fallbackDoc?: string): string {
  const doc = typeof schema.description === 'string' ? schema.description : fallbackDoc;
  const comment = doc === undefined ? '' : `/** ${doc.replace(/\*\//g, '*\\/')} */\n`;
  if (schema.type === 'object' && Object.keys(schema.properties ?? {}).length > 0 && schema.additionalProperties === false) {
    return `${comment}export interface ${name} ${objectType(schema, '')}\n`;
  }
  return `${comment}export type ${name} = ${typeOf(schema, '')};\n`;
}

function typeOf(schema: JsonSchema, indent: string): string {
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? 'unknown';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema.anyOf)) return union((schema.anyOf as Schema[]).map((s) => typeOf(s, indent)));
  if (Array.isArray(schema.oneOf)) return union((schema.oneOf as Schema[]).map((s) => typeOf(s, indent)));
  if (Array.isArray(schema.allOf) && schema.type === undefined) return (schema.allOf as Schema[]).map((s) => wrap(typeOf(s, indent))).join(' & ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `${wrap(typeOf((schema.items ?? {}) as Schema, indent))}[]`;
    case 'object':
      return objectType(schema, indent);
    default:
      return 'unknown';
  }
}

function objectType(schema: JsonSchema, indent: string): string {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const additional = schema.additionalProperties as Schema | boolean | undefined;
  if (Object.keys(properties).length === 0) {
    if (additional === false) return 'Record<string, never>';
    return `Record<string, ${additional === undefined || additional === true ? 'unknown' : typeOf(additional, indent)}>`;
  }
  const required = new Set((schema.required ?? []) as string[]);
  const inner = `${indent}  `;
  const lines = Object.entries(properties).map(([key, field]) => {
    const comment = typeof field.description === 'string' ? `${inner}/** ${field.description.replace(/\*\//g, '*\\/')} */\n` : '';
    const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
    return `${comment}${inner}${name}${required.has(key) ? '' : '?'}: ${typeOf(field, inner)};`;
  });
  // Only a closed object (zod strict) refuses other fields; an open one may carry more (a payment method's own fields, an event's object).
  if (additional !== false) lines.push(`${inner}[key: string]: unknown;`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function union(parts: string[]): string {
  return [...new Set(parts)].join(' | ');
}

function wrap(type: string): string {
  return /[|&]/.test(type) && !type.startsWith('{') ? `(${type})` : type;
}
