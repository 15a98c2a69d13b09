#!/usr/bin/env node
'use strict';
/*
 * `npm run generate:client-types`: writes shop/client/src/generated/api-types.ts, the
 * types of @tender/client, from the gateway's OpenAPI document (the one served at
 * /openapi.json, built from the routes' zod schemas). Run it after changing what the
 * merchant API takes or answers; test/unit/client-types-drift.spec.ts fails while the
 * committed file differs from what this writes. Needs the gateway built (core/dist).
 */
require('reflect-metadata');
const fs = require('node:fs');
const path = require('node:path');
const { buildOpenApiDocument } = require('../core/dist/http/openapi/openapi-document');
const { typeScriptTypes } = require('../core/dist/http/openapi/typescript-types');

const target = path.resolve(__dirname, '..', 'shop', 'client', 'src', 'generated', 'api-types.ts');
fs.mkdirSync(path.dirname(target), { recursive: true });
// The server URL is not part of the types; any value gives the same output.
fs.writeFileSync(target, typeScriptTypes(buildOpenApiDocument('http://localhost:8080')));
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
