#!/usr/bin/env node
'use strict';
/*
 * Installs the shop side's dependencies (`npm ci` in shop/) when shop/node_modules is
 * missing or was installed from another shop/package-lock.json. The repository root's
 * `npm test` runs this before the shop suite, so `npm test` on a fresh clone tests the
 * shop side too, while the gateway's own install (`npm ci` at the root) never does.
 * Plain JavaScript: it runs before anything in shop/ is installed or compiled.
 */
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const shop = __dirname;
const marker = path.join(shop, 'node_modules', '.tender-shop-lock.sha256');
const wanted = createHash('sha256').update(fs.readFileSync(path.join(shop, 'package-lock.json'))).digest('hex');
const installed = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '';

if (installed !== wanted) {
  process.stdout.write(`== shop/: ${installed === '' ? 'not installed' : 'package-lock.json changed'}, running npm ci there\n`);
  // The npm that runs this script, when there is one (npm test), else the one on the PATH.
  const npmCli = process.env.npm_execpath;
  const args = ['ci', '--prefix', shop, '--no-audit', '--no-fund'];
  const result =
    npmCli !== undefined && npmCli.endsWith('.js')
      ? spawnSync(process.execPath, [npmCli, ...args], { cwd: shop, stdio: 'inherit' })
      : spawnSync('npm', args, { cwd: shop, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`npm ci in ${shop} failed (${result.error?.message ?? `exit ${result.status}`})\n`);
    process.exit(1);
  }
  fs.writeFileSync(marker, `${wanted}\n`);
}
