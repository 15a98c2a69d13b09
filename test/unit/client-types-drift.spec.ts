import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildOpenApiDocument } from '@tender/core/dist/http/openapi/openapi-document';
import { typeScriptTypes } from '@tender/core/dist/http/openapi/typescript-types';

const COMMITTED = path.resolve(__dirname, '..', '..', '..', 'shop', 'client', 'src', 'generated', 'api-types.ts');

describe('@tender/client types: generated from the OpenAPI document, committed as generated', () => {
  it('shop/client/src/generated/api-types.ts is what the document generates (run `npm run generate:client-types`)', () => {
    const generated = typeScriptTypes(buildOpenApiDocument('http://localhost:8080'));
    const committed = fs.readFileSync(COMMITTED, 'utf8');
    if (committed !== generated) {
      const a = committed.split('\n');
      const b = generated.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      assert.fail(
        `api-types.ts differs from the document at line ${line + 1}: committed ${JSON.stringify(a[line])}, generated ${JSON.stringify(b[line])}. Run npm run generate:client-types.`,
      );
    }
  });

  it('does not depend on the server URL', () => {
    assert.equal(typeScriptTypes(buildOpenApiDocument('https://pay.example.com')), typeScriptTypes(buildOpenApiDocument('http://localhost:8080')));
  });

  it('carries the payment fields the hand-written types had lost', () => {
    const committed = fs.readFileSync(COMMITTED, 'utf8');
    const payment = committed.slice(
      committed.indexOf('export interface Payment {'),
      committed.indexOf('\n}\n', committed.indexOf('export interface Payment {')),
    );
    for (const field of ['customer_email', 'risk', 'locale', 'three_d_secure']) assert.match(payment, new RegExp(`\\n  ${field}: `), field);
  });
});
