import { ZodTypeAny } from 'zod';
import { ERROR_CATALOGUE } from '../../errors/error-catalogue';
import { EVENT_TYPES } from '../../notifications/event-types';
import { API_OPERATIONS, ApiOperation } from './api-operations';
import { JsonSchema, SchemaRefs, isOptionalInput, toJsonSchema } from './json-schema';
import {
  apiKeySchema,
  brandingViewSchema,
  errorSchema,
  eventSchema,
  paymentSchema,
  refundSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
} from './response-schemas';

/** The OpenAPI 3.1 document as a plain JSON object. */
export type OpenApiDocument = { readonly openapi: '3.1.0' } & { readonly [key: string]: unknown };

/** Named in components.schemas and referenced wherever they appear. */
const COMPONENTS: ReadonlyArray<readonly [string, ZodTypeAny]> = [
  ['Payment', paymentSchema],
  ['Refund', refundSchema],
  ['Event', eventSchema],
  ['WebhookEndpoint', webhookEndpointSchema],
  ['WebhookDelivery', webhookDeliverySchema],
  ['ApiKey', apiKeySchema],
  ['Branding', brandingViewSchema],
  ['ApiError', errorSchema],
];

const refs: SchemaRefs = new Map(COMPONENTS.map(([name, schema]) => [schema, `#/components/schemas/${name}`]));

/** `/v1/payments/:id` → `/v1/payments/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * The merchant API's OpenAPI 3.1 document, built from the zod schemas the routes
 * validate with (api-operations.ts) and the response schemas. Built once per
 * gateway: it depends only on the public URL.
 *
 * @example
 * ```ts
 * const doc = buildOpenApiDocument('https://pay.example.com');
 * doc.paths['/v1/payments'].post.requestBody;
 * ```
 */
export function buildOpenApiDocument(publicUrl: string, operations: readonly ApiOperation[] = API_OPERATIONS): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = openApiPath(op.path);
    paths[path] = { ...paths[path], [op.method]: operationObject(op) };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Tender merchant API',
      version: 'v1',
      description:
        'The API a shop uses to take payments, refund them and manage its account. Amounts are integers in minor units; unknown parameters are refused; every error is `{"error": {"type", "code", "message", "param"?}}` with the codes of docs/errors.md.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: publicUrl }],
    security: [{ secretKey: [] }],
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    webhooks: webhookObjects(),
    components: {
      securitySchemes: {
        secretKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A secret key, `sk_test_...` or `sk_live_...`; the key decides the mode. Publishable keys are refused (403 api_key_wrong_kind).',
        },
      },
      schemas: Object.fromEntries(COMPONENTS.map(([name, schema]) => [name, toJsonSchema(schema, withoutSelf(schema))])),
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Up to 255 characters. A retry with the same key and body gets the first answer again; with another body, 409 idempotency_key_reused.',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\x21-\x7E]+$' },
        },
      },
      responses: {
        Error: {
          description: `An error; the status and type follow from the code (docs/errors.md). Codes: ${Object.keys(ERROR_CATALOGUE).join(', ')}.`,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
        },
      },
    },
  };
}

function withoutSelf(schema: ZodTypeAny): SchemaRefs {
  return new Map([...refs].filter(([s]) => s !== schema));
}

function operationObject(op: ApiOperation): Record<string, unknown> {
  const parameters: unknown[] = [];
  for (const [name, prefix] of Object.entries(op.ids ?? {})) {
    parameters.push({ name, in: 'path', required: true, schema: { type: 'string', pattern: `^${prefix}_[0-9A-Za-z]{1,40}$` } });
  }
  for (const [name, field] of Object.entries((op.query?.shape ?? {}) as Record<string, ZodTypeAny>)) {
    parameters.push({ name, in: 'query', required: !isOptionalInput(field), schema: toJsonSchema(field, refs) });
  }
  if (op.idempotent === true) parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
  const success =
    op.response === 'html'
      ? { description: 'An HTML page.', content: { 'text/html': { schema: { type: 'string' } } } }
      : { description: 'Success.', content: { 'application/json': { schema: toJsonSchema(op.response, refs) } } };
  return {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    ...(op.public === true ? { security: [] } : {}),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(op.body === undefined
      ? {}
      : { requestBody: { required: op.bodyOptional !== true, content: { 'application/json': { schema: toJsonSchema(op.body, refs) } } } }),
    responses: { [String(op.status)]: success, default: { $ref: '#/components/responses/Error' } },
  };
}

/** `post /v1/payments/:id/capture` → `postPaymentsIdCapture`: stable, unique per route. */
export function operationId(op: Pick<ApiOperation, 'method' | 'path'>): string {
  const words = op.path
    .replace(/^\/v1\//, '')
    .split(/[/_]/)
    .filter((w) => w !== '')
    .map((w) => (w.startsWith(':') ? w.slice(1) : w));
  return op.method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** What Tender POSTs to a webhook endpoint: one operation per event type (docs/webhooks.md). */
function webhookObjects(): Record<string, unknown> {
  const header = (name: string, description: string): JsonSchema => ({ name, in: 'header', required: true, description, schema: { type: 'string' } });
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          summary: `The ${type} event`,
          description: 'Verify Tender-Signature over the raw body before trusting it; drop repeats by Tender-Event-Id.',
          parameters: [
            header(
              'Tender-Signature',
              '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the endpoint secret>`; one more v1= during a rotation.',
            ),
            header('Tender-Event-Id', 'The event id, the same on every retry and redelivery.'),
            header('Tender-Delivery-Id', 'For your logs.'),
            header('Tender-Delivery-Attempt', 'For your logs.'),
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/Event' }, { properties: { type: { const: type } } }] } } },
          },
          responses: { '200': { description: 'Any 2xx within the timeout acknowledges the delivery; anything else is retried.' } },
        },
      },
    ]),
  );
}
