#!/usr/bin/env node
'use strict';
/*
 * `node scripts/ensure-install.js <folder>`: runs `npm ci` in <folder> (test or shop)
 * when <folder>/node_modules is missing or was installed from another
 * <folder>/package-lock.json. The root's `npm test` runs it before each suite, so
 * `npm test` on a fresh clone installs the test tools and the shop side, while the
 * gateway's own install (`npm ci` at the root) installs neither.
 * Plain JavaScript: it runs before anything in those folders is installed or compiled.
 */
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const name = process.argv[2];
if (name === undefined) {
  process.stderr.write('usage: node scripts/ensure-install.js <folder with package-lock.json>\n');
  process.exit(2);
}
const folder = path.resolve(__dirname, '..', name);
const marker = path.join(folder, 'node_modules', '.tender-lock.sha256');
const wanted = createHash('sha256')
  .update(fs.readFileSync(path.join(folder, 'package-lock.json')))
  .digest('hex');
const installed = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '';

if (installed !== wanted) {
  process.stdout.write(`== ${name}/: ${installed === '' ? 'not installed' : 'package-lock.json changed'}, running npm ci there\n`);
  // The npm that runs this script, when there is one (npm test), else the one on the PATH.
  const npmCli = process.env.npm_execpath;
  const args = ['ci', '--prefix', folder, '--no-audit', '--no-fund'];
  const result =
    npmCli !== undefined && npmCli.endsWith('.js')
      ? spawnSync(process.execPath, [npmCli, ...args], { cwd: folder, stdio: 'inherit' })
      : spawnSync('npm', args, { cwd: folder, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`npm ci in ${folder} failed (${result.error?.message ?? `exit ${result.status}`})\n`);
    process.exit(1);
  }
  fs.writeFileSync(marker, `${wanted}\n`);
}
