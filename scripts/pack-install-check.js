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
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { packGateway, freePort, request } = require('./lib/pack-gateway');

function fail(message) {
  process.stderr.write(`pack-install-check: ${message}\n`);
  process.exit(1);
}

async function waitForHealth(port, child, output) {
  for (let i = 0; i < 240; i += 1) {
    if (child.exitCode !== null) {
      process.stderr.write(output());
      fail(`the gateway exited with ${child.exitCode} before answering`);
    }
    try {
      const res = await request(port, 'GET', '/healthz');
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail('the gateway did not answer /healthz within 60 s');
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-pack-'));
  const tarballs = path.join(work, 'tarballs');
  const app = path.join(work, 'app');
  fs.mkdirSync(tarballs);
  fs.mkdirSync(app);

  const dependencies = {};
  for (const [name, tarball] of Object.entries(packGateway(tarballs, fail))) dependencies[name] = `file:${tarball}`;

  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'tender-from-tarballs', private: true, dependencies, allowScripts: { 'better-sqlite3': true } }, null, 2));
  process.stdout.write(`installing into ${app} (production dependencies only)\n`);
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: app, stdio: 'inherit' });

  const port = await freePort();
  const adminToken = 'adm_pack_install_check_0123456789';
  const bin = path.join(app, 'node_modules', '.bin', 'tender');
  const child = spawn(bin, ['start'], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      TENDER_DATA_DIR: path.join(app, 'data'),
      TENDER_ADMIN_TOKEN: adminToken,
      TENDER_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  try {
    await waitForHealth(port, child, () => output);
    const merchant = await request(port, 'POST', '/admin/v1/merchants', { token: adminToken, body: { name: 'Packed Shop', email: 'owner@packed.example' } });
    if (merchant.status !== 201) throw new Error(`merchant: ${merchant.status} ${merchant.text}`);
    const key = merchant.json.test_secret_key;
    const created = await request(port, 'POST', '/v1/payments', { token: key, body: { amount: 12345, currency: 'RUB', order_id: 'pack-1', description: 'from tarballs' } });
    if (created.status !== 201 && created.status !== 200) throw new Error(`create: ${created.status} ${created.text}`);
    const confirmed = await request(port, 'POST', `/v1/payments/${created.json.id}/confirm`, {
      token: key,
      body: { payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } } },
    });
    if (confirmed.json === undefined || confirmed.json.status !== 'captured') throw new Error(`confirm: ${confirmed.status} ${confirmed.text}`);
    process.stdout.write(`paid ${created.json.id}: ${confirmed.json.amount} ${confirmed.json.currency}, ${confirmed.json.status}\n`);
  } catch (error) {
    process.stderr.write(output);
    child.kill('SIGKILL');
    fail(error instanceof Error ? error.message : String(error));
  }
  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? s)));
  if (code !== 0) {
    process.stderr.write(output);
    fail(`the gateway ended with ${code} after SIGTERM`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write('pack-install-check: the packed gateway installed, started, took a payment and stopped\n');
}

main().catch((error) => fail(error instanceof Error ? error.stack ?? error.message : String(error)));
