/*
 * What the packaging checks share: the gateway side's workspaces, `npm pack` of
 * each into one folder, and small loopback HTTP helpers. Used by
 * scripts/pack-install-check.js (the packed gateway starts and takes a payment) and
 * scripts/plugin-starter-check.js (the plugin starter builds and passes its tests
 * against the packed packages, outside the repository).
 */
'use strict';
const { execFileSync } = require('node:child_process');
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

module.exports = { root, gatewayWorkspaces, packGateway, freePort, request };
