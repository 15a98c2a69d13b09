#!/usr/bin/env node
/*
 * The packages as published, proven: `npm pack` every gateway-side package, install
 * the tarballs into an empty folder outside the repository (production dependencies
 * only, from the npm registry), start the gateway from there on an embedded SQLite
 * database, pay a payment with a sandbox test card through the API, and stop it.
 *
 * Why a script and not a mocha spec: it installs from the registry (about a minute)
 * and so runs once in CI (`.ci/run`) and on demand (`npm run test:packaging`), not on
 * every `npm test`.
 *
 * Run after `npm run build` (the tarballs hold each package's dist/).
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { packGateway, request, installTarballs, withInstalledGateway, testMerchant } = require('./lib/pack-gateway');

function fail(message) {
  process.stderr.write(`pack-install-check: ${message}\n`);
  process.exit(1);
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-pack-'));
  const tarballs = path.join(work, 'tarballs');
  const app = path.join(work, 'app');
  fs.mkdirSync(tarballs);
  fs.mkdirSync(app);
  installTarballs(app, 'tender-from-tarballs', packGateway(tarballs, fail));

  await withInstalledGateway(
    app,
    {},
    async ({ port, adminToken }) => {
      const key = await testMerchant(port, adminToken, 'Packed Shop');
      const created = await request(port, 'POST', '/v1/payments', {
        token: key,
        body: { amount: 12345, currency: 'RUB', order_id: 'pack-1', description: 'from tarballs' },
      });
      if (created.status !== 201 && created.status !== 200) throw new Error(`create: ${created.status} ${created.text}`);
      const confirmed = await request(port, 'POST', `/v1/payments/${created.json.id}/confirm`, {
        token: key,
        body: { payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } } },
      });
      if (confirmed.json === undefined || confirmed.json.status !== 'captured') throw new Error(`confirm: ${confirmed.status} ${confirmed.text}`);
      process.stdout.write(`paid ${created.json.id}: ${confirmed.json.amount} ${confirmed.json.currency}, ${confirmed.json.status}\n`);
      // The API description is built from the installed package and its reference page read from the tarball's templates.
      const described = await request(port, 'GET', '/openapi.json');
      if (described.json === undefined || described.json.openapi !== '3.1.0' || described.json.paths['/v1/payments'] === undefined)
        throw new Error(`openapi.json: ${described.status} ${described.text.slice(0, 200)}`);
      const reference = await request(port, 'GET', '/docs/api');
      if (reference.status !== 200 || !reference.text.includes('/v1/payments')) throw new Error(`docs/api: ${reference.status}`);
    },
    fail,
  );
  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write('pack-install-check: the packed gateway installed, started, took a payment and stopped\n');
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
