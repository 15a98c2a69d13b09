/*
 * What the packaging checks share: the gateway side's workspaces, `npm pack` of
 * each into one folder, and small loopback HTTP helpers. Used by
 * scripts/pack-install-check.js (the packed gateway starts and takes a payment) and
 * scripts/plugin-starter-check.js (the plugin starter builds and passes its tests
 * against the packed packages, outside the repository).
 */
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

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

/**
 * `npm pack`s every public gateway workspace into `destination` (after checking it
 * has a LICENSE, a README and an exports map) and returns package name -> absolute
 * tarball path. Run after the build: the tarballs hold each package's dist/.
 */
function packGateway(destination, fail) {
  const tarballs = {};
  for (const dir of gatewayWorkspaces()) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (pkg.private === true) continue;
    for (const required of ['LICENSE', 'README.md']) {
      if (!fs.existsSync(path.join(dir, required))) fail(`${pkg.name} has no ${required}`);
    }
    if (pkg.exports === undefined) fail(`${pkg.name} has no exports map`);
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: dir, encoding: 'utf8' });
    const [packed] = JSON.parse(out);
    tarballs[pkg.name] = path.join(destination, packed.filename);
    process.stdout.write(`packed ${pkg.name}: ${packed.entryCount} files, ${packed.size} bytes\n`);
  }
  return tarballs;
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

/** One JSON request to 127.0.0.1:port; resolves { status, json, text } (json undefined when the body is not JSON). */
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

/**
 * Writes a package.json into the empty folder `app` that depends on `tarballs`
 * (name -> path) and installs them with their production dependencies only, from
 * the npm registry, as an operator would.
 */
function installTarballs(app, name, tarballs) {
  const dependencies = {};
  for (const [pkg, tarball] of Object.entries(tarballs)) dependencies[pkg] = `file:${tarball}`;
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name, private: true, dependencies, allowScripts: { 'better-sqlite3': true } }, null, 2));
  process.stdout.write(`installing into ${app} (production dependencies only)\n`);
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: app, stdio: 'inherit' });
}

async function waitForHealth(port, child, output, fail) {
  for (let i = 0; i < 240; i += 1) {
    if (child.exitCode !== null) {
      process.stderr.write(output());
      fail(`the gateway exited with ${child.exitCode} before answering`);
    }
    // `tender start` prints its banner after the first start's demo merchant and
    // sign-ins, and only then handles SIGTERM: wait for both, so the stop at the end
    // finds the graceful shutdown in place.
    try {
      const res = await request(port, 'GET', '/healthz');
      if (res.status === 200 && output().includes('Tender is listening on')) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail('the gateway did not answer /healthz within 60 s');
}

/**
 * Starts `tender start` from the installed folder `app` on a free loopback port,
 * on an embedded SQLite database in app/data, with `env` added (TENDER_PLUGINS, a
 * plugin's options), and runs `exercise({ port, adminToken })` against it. A failure
 * prints the gateway's output and fails; afterwards the gateway must stop cleanly on
 * SIGTERM.
 */
async function withInstalledGateway(app, env, exercise, fail) {
  const port = await freePort();
  const adminToken = 'adm_pack_install_check_0123456789';
  const child = spawn(path.join(app, 'node_modules', '.bin', 'tender'), ['start'], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      TENDER_DATA_DIR: path.join(app, 'data'),
      TENDER_ADMIN_TOKEN: adminToken,
      TENDER_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  try {
    await waitForHealth(port, child, () => output, fail);
    await exercise({ port, adminToken });
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
}

/** A merchant made through the admin API; resolves its test secret key. */
async function testMerchant(port, adminToken, name) {
  const merchant = await request(port, 'POST', '/admin/v1/merchants', { token: adminToken, body: { name, email: 'owner@packed.example' } });
  if (merchant.status !== 201) throw new Error(`merchant: ${merchant.status} ${merchant.text}`);
  return merchant.json.test_secret_key;
}

module.exports = { root, gatewayWorkspaces, packGateway, freePort, request, installTarballs, withInstalledGateway, testMerchant };
