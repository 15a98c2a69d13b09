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
const http = require('node:http');
const net = require('node:net');

const root = path.resolve(__dirname, '..');

function fail(message) {
  process.stderr.write(`pack-install-check: ${message}\n`);
  process.exit(1);
}

/** The gateway side's workspaces, from the root package.json (globs of one level). */
function gatewayWorkspaces() {
  const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of rootPkg.workspaces) {
    if (pattern.endsWith('/*')) {
      const base = path.join(root, pattern.slice(0, -2));
      for (const name of fs.readdirSync(base)) {
        if (fs.existsSync(path.join(base, name, 'package.json'))) dirs.push(path.join(base, name));
      }
    } else {
      dirs.push(path.join(root, pattern));
    }
  }
  return dirs;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function request(port, method, pathname, { token, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: pathname,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, json, text });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
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
  for (const dir of gatewayWorkspaces()) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (pkg.private === true) continue;
    for (const required of ['LICENSE', 'README.md']) {
      if (!fs.existsSync(path.join(dir, required))) fail(`${pkg.name} has no ${required}`);
    }
    if (pkg.exports === undefined) fail(`${pkg.name} has no exports map`);
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: dir, encoding: 'utf8' });
    const [packed] = JSON.parse(out);
    dependencies[pkg.name] = `file:${path.join(tarballs, packed.filename)}`;
    process.stdout.write(`packed ${pkg.name}: ${packed.entryCount} files, ${packed.size} bytes\n`);
  }

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
    // The API description is built from the installed package and its reference page read from the tarball's templates.
    const described = await request(port, 'GET', '/openapi.json');
    if (described.json === undefined || described.json.openapi !== '3.1.0' || described.json.paths['/v1/payments'] === undefined) throw new Error(`openapi.json: ${described.status} ${described.text.slice(0, 200)}`);
    const reference = await request(port, 'GET', '/docs/api');
    if (reference.status !== 200 || !reference.text.includes('/v1/payments')) throw new Error(`docs/api: ${reference.status}`);
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
