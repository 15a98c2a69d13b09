#!/usr/bin/env node
'use strict';
/*
 * `npm start`'s prestart. In a checkout with the dev dependencies (`npm ci`), it builds
 * the gateway (tsc -b tsconfig.gateway.json), so `npm ci && npm start` works on a fresh
 * clone. In a production install (`npm ci --omit=dev` after one build, see
 * docs/operations.md) TypeScript is absent: the built dist/ is used as it is, and a
 * missing one is a clear error instead of "tsc: not found".
 * Plain JavaScript: it runs before anything is compiled.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
} catch {
  tsc = undefined;
}

if (tsc === undefined) {
  if (!fs.existsSync(path.join(root, 'core', 'dist', 'main.js'))) {
    process.stderr.write(
      'tender: core/dist/main.js is missing and TypeScript is not installed (npm ci --omit=dev).\n' +
        'Build once with the dev dependencies first: npm ci && npm run build:gateway && npm ci --omit=dev\n',
    );
    process.exit(1);
  }
  process.stdout.write('== production install (no TypeScript): starting the built dist/ as it is\n');
  process.exit(0);
}
const result = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.gateway.json'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
