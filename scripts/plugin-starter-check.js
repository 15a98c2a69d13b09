#!/usr/bin/env node
/*
 * The plugin starter (docs/examples/plugin-starter), proven the way an outside
 * developer and an operator use it, outside the repository:
 *
 * 1. `npm pack` every gateway-side package (run after `npm run build:gateway`);
 * 2. copy the starter, without node_modules and dist/, to an empty temporary folder;
 * 3. check it stands alone: not a workspace of the repository, no file:, link: or
 *    workspace: dependency, no lockfile of its own (the developer's first install
 *    makes theirs);
 * 4. `npm install --save-dev <the @tender/* tarballs it names>` there: the packed
 *    packages in place of registry versions, everything else from the npm registry;
 *    the lockfile this makes must name no path inside the repository;
 * 5. `npm test` there: tsc, then node:test (the core conformance suites, and a
 *    gateway in the test's process paying with vouchers) on SQLite, and again on
 *    the database STARTER_DATABASE_URL names when it is set (an empty MariaDB one);
 * 6. `npm pack` the starter and install it with the gateway's tarballs into another
 *    empty folder (production dependencies only), start `tender start` there with
 *    TENDER_PLUGINS naming it, issue a voucher and pay with it through the API.
 *
 * A script, not a mocha spec, for the same reason as pack-install-check.js: it
 * installs from the registry twice (minutes, better-sqlite3 compiles) and runs once
 * in CI (`.ci/run`) and on demand (`npm run test:starter`).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, packGateway, request, installTarballs, withInstalledGateway, testMerchant } = require('./lib/pack-gateway');

const starterDir = path.join(root, 'docs', 'examples', 'plugin-starter');

function fail(message) {
  process.stderr.write(`plugin-starter-check: ${message}\n`);
  process.exit(1);
}

function step(text) {
  process.stdout.write(`\n== plugin starter: ${text}\n`);
}

/** The starter must not lean on the repository: no workspace membership, no local dependency specs, no lockfile. */
function checkStandsAlone() {
  const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const relative = path.relative(root, starterDir);
  for (const pattern of rootPkg.workspaces) {
    const base = pattern.endsWith('/*') ? pattern.slice(0, -2) : pattern;
    if (relative === base || path.dirname(relative) === base) fail(`the root package.json's workspace '${pattern}' takes in the starter`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(starterDir, 'package.json'), 'utf8'));
  if (pkg.workspaces !== undefined) fail('the starter declares workspaces');
  for (const section of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, spec] of Object.entries(pkg[section] ?? {})) {
      if (/^(file|link|workspace|portal):/.test(spec) || spec.startsWith('.') || spec.startsWith('/'))
        fail(`${section}.${name} is '${spec}': the starter names registry versions only`);
    }
  }
  if (fs.existsSync(path.join(starterDir, 'package-lock.json')))
    fail('docs/examples/plugin-starter has a package-lock.json: the starter ships none (its README says why)');
  return pkg;
}

function run(cwd, args, env = {}) {
  const clean = { ...process.env };
  // The starter's gateway test uses DATABASE_URL when set; each run chooses its own.
  delete clean.DATABASE_URL;
  delete clean.TEST_DATABASE_URL;
  execFileSync('npm', args, { cwd, stdio: 'inherit', env: { ...clean, ...env } });
}

async function main() {
  const pkg = checkStandsAlone();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-starter-'));
  const tarballDir = path.join(work, 'tarballs');
  const copy = path.join(work, 'plugin-starter');
  const gatewayApp = path.join(work, 'gateway');
  fs.mkdirSync(tarballDir);
  fs.mkdirSync(gatewayApp);

  step('pack the gateway packages');
  const tarballs = packGateway(tarballDir, fail);

  step(`copy to ${copy}`);
  const leftOut = (src) => {
    const rel = path.relative(starterDir, src);
    return ['node_modules', 'dist'].includes(rel.split(path.sep)[0]) || rel.endsWith('.tgz');
  };
  fs.cpSync(starterDir, copy, { recursive: true, filter: (src) => !leftOut(src) });

  step('install: the packed @tender packages, the rest from the registry');
  const wanted = Object.keys({ ...pkg.devDependencies, ...pkg.dependencies }).filter((name) => name.startsWith('@tender/'));
  const missing = wanted.filter((name) => tarballs[name] === undefined);
  if (missing.length > 0) fail(`the starter depends on ${missing.join(', ')}, which no gateway workspace packs`);
  run(copy, ['install', '--save-dev', '--no-audit', '--no-fund', ...wanted.map((name) => tarballs[name])]);
  const lock = fs.readFileSync(path.join(copy, 'package-lock.json'), 'utf8');
  if (lock.includes(root)) fail(`the starter's lockfile names a path inside the repository (${root})`);

  step('build and test (SQLite)');
  run(copy, ['test']);
  if (process.env.STARTER_DATABASE_URL !== undefined && process.env.STARTER_DATABASE_URL !== '') {
    step('test again on STARTER_DATABASE_URL');
    run(copy, ['test'], { DATABASE_URL: process.env.STARTER_DATABASE_URL });
  }

  // Built by `npm test` above, so packed without running prepack again (its output would mix into --json).
  step('pack the starter and install it into a gateway, as an operator');
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballDir], { cwd: copy, encoding: 'utf8' }));
  const files = packed.files.map((f) => f.path);
  for (const needed of ['dist/src/index.js', 'dist/src/index.d.ts', 'templates/voucher-part.hbs']) {
    if (!files.includes(needed)) fail(`the starter's tarball lacks ${needed}`);
  }
  if (files.some((f) => f.startsWith('dist/test/') || f.startsWith('src/'))) fail("the starter's tarball carries its tests or sources");
  installTarballs(gatewayApp, 'tender-with-starter', { ...tarballs, [pkg.name]: path.join(tarballDir, packed.filename) });

  const env = {
    TENDER_PLUGINS: `@tender/adapter-sandbox,@tender/plugin-accounts,@tender/dashboard,${pkg.name}`,
    TENDER_ROUTING_STRATEGY: 'starter-preferred-banks',
    TENDER_PLUGIN_STARTER_MAX_VOUCHER_AMOUNT: '20000',
  };
  await withInstalledGateway(
    gatewayApp,
    env,
    async ({ port, adminToken }) => {
      const key = await testMerchant(port, adminToken, 'Starter Shop');
      const tooBig = await request(port, 'POST', '/v1/vouchers', { token: key, body: { amount: 20001, currency: 'RUB' } });
      if (tooBig.status !== 400) throw new Error(`a voucher above TENDER_PLUGIN_STARTER_MAX_VOUCHER_AMOUNT: ${tooBig.status} ${tooBig.text}`);
      const voucher = await request(port, 'POST', '/v1/vouchers', { token: key, body: { amount: 20000, currency: 'RUB' } });
      if (voucher.status !== 201) throw new Error(`voucher: ${voucher.status} ${voucher.text}`);
      const created = await request(port, 'POST', '/v1/payments', { token: key, body: { amount: 12345, currency: 'RUB', order_id: 'starter-1' } });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
      const confirmed = await request(port, 'POST', `/v1/payments/${created.json.id}/confirm`, {
        token: key,
        body: { payment_method: { type: 'voucher', voucher: { code: voucher.json.code } } },
      });
      if (confirmed.json === undefined || confirmed.json.status !== 'captured') throw new Error(`confirm: ${confirmed.status} ${confirmed.text}`);
      const after = await request(port, 'GET', `/v1/vouchers/${voucher.json.id}`, { token: key });
      if (after.json === undefined || after.json.balance !== 20000 - 12345) throw new Error(`voucher after: ${after.status} ${after.text}`);
      process.stdout.write(
        `paid ${created.json.id} with voucher ${voucher.json.id}: ${confirmed.json.amount} ${confirmed.json.currency}, balance left ${after.json.balance}\n`,
      );
    },
    fail,
  );

  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(
    'plugin-starter-check: the starter installed from the packed packages, built, passed its tests, and paid with a voucher in an installed gateway\n',
  );
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
