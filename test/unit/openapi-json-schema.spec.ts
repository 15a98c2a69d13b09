import assert from 'node:assert/strict';
import { z } from 'zod';
import { toJsonSchema } from '@tender/core/dist/http/openapi/json-schema';
import { fields } from '@tender/core/dist/http/validation';
import { amountField, createPaymentSchema } from '@tender/core/dist/payments/payment-input';
import { buildOpenApiDocument, openApiPath, operationId } from '@tender/core/dist/http/openapi/openapi-document';
import { API_OPERATIONS } from '@tender/core/dist/http/openapi/api-operations';
import { renderApiReference } from '@tender/core/dist/http/openapi/openapi.routes';

describe('OpenAPI: zod schemas as JSON Schema (what a client may send)', () => {
  it('a strict object refuses other keys; defaults and optionals are not required', () => {
    const schema = toJsonSchema(z.object({ a: z.string().min(2).max(5), b: z.number().int().min(1).default(3), c: z.boolean().optional() }).strict());
    assert.deepEqual(schema, {
      type: 'object',
      properties: { a: { type: 'string', minLength: 2, maxLength: 5 }, b: { type: 'integer', minimum: 1, default: 3 }, c: { type: 'boolean' } },
      required: ['a'],
      additionalProperties: false,
    });
  });

  it('text fields show the code-point bounds their refinement enforces; ids their pattern', () => {
    assert.deepEqual(toJsonSchema(fields.identifier(128)), { type: 'string', maxLength: 128, minLength: 1 });
    assert.deepEqual(toJsonSchema(fields.line(1000)), { type: 'string', maxLength: 1000 });
    assert.equal(toJsonSchema(fields.id('pay')).pattern, '^pay_[0-9A-Za-z]{1,40}$');
  });

  it('an amount (a custom check on unknown input) is an integer in the money range, and still required', () => {
    assert.deepEqual(
      { type: toJsonSchema(amountField).type, minimum: toJsonSchema(amountField).minimum, maximum: toJsonSchema(amountField).maximum },
      { type: 'integer', minimum: 1, maximum: 99_999_999_999 },
    );
    assert.ok((toJsonSchema(createPaymentSchema).required as string[]).includes('amount'));
  });

  it('nullable, records, arrays, unions and enums', () => {
    assert.deepEqual(toJsonSchema(z.string().nullable()), { anyOf: [{ type: 'string' }, { type: 'null' }] });
    assert.deepEqual(toJsonSchema(z.record(z.number())), { type: 'object', additionalProperties: { type: 'number' } });
    assert.deepEqual(
      toJsonSchema(
        z
          .array(z.enum(['a', 'b']))
          .min(1)
          .max(3),
      ),
      { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1, maxItems: 3 },
    );
    assert.deepEqual(toJsonSchema(z.union([z.literal('x'), z.number()])), { anyOf: [{ const: 'x' }, { type: 'number' }] });
  });

  it('a zod kind it does not know is an error, not "anything"', () => {
    assert.throws(() => toJsonSchema(z.bigint()), /ZodBigInt is not described/);
  });

  it('paths, operation ids and the document are stable and unique', () => {
    assert.equal(openApiPath('/v1/payments/:id/capture'), '/v1/payments/{id}/capture');
    const ids = API_OPERATIONS.map((op) => operationId(op));
    assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
    assert.deepEqual(buildOpenApiDocument('http://a'), buildOpenApiDocument('http://a'));
  });
});

describe('OpenAPI: the HTML reference escapes what it shows', () => {
  it('markup in a summary, a parameter or a server URL arrives as text', () => {
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const doc = buildOpenApiDocument(`http://a/${hostile}`, [
      {
        method: 'get',
        path: `/v1/things/:id`,
        tag: hostile,
        summary: hostile,
        description: hostile,
        ids: { id: 'thg' },
        query: z.object({ [hostile]: z.string().describe(hostile) }).strict(),
        status: 200,
        response: z.object({ object: z.literal(hostile) }),
      },
    ]);
    const html = renderApiReference(doc);
    assert.doesNotMatch(html, /<script|<img/i);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });
});
