#!/usr/bin/env node
// Run by the Dockerfile's build stage after `npm run build:gateway` and `npm prune --omit=dev`:
// leaves in /src only what the gateway runs from, so that the runtime stage copies the
// tree as it is. Each workspace keeps what `npm pack` would publish (its package.json
// "files", the manifest, README and LICENSE) and its own node_modules; the sources,
// TypeScript configurations, build info and the repository's scripts go. The packaging
// check (scripts/pack-install-check.js) proves that a gateway runs from those files alone.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = process.cwd();
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The workspace folders the root manifest names; a pattern ends with `/*` or is a folder. */
function workspaceDirs(patterns) {
  const dirs = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const parent = path.join(root, pattern.slice(0, -2));
      for (const entry of fs.readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(path.join(parent, entry.name));
      }
    } else {
      dirs.push(path.join(root, pattern));
    }
  }
  return dirs.filter((dir) => fs.existsSync(path.join(dir, 'package.json')));
}

/** Removes every entry of `dir` whose name is not in `keep`. */
function keepOnly(dir, keep) {
  for (const name of fs.readdirSync(dir)) {
    if (!keep.has(name)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

const workspaces = workspaceDirs(manifest.workspaces ?? []);
for (const dir of workspaces) {
  const own = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const files = Array.isArray(own.files) ? own.files : ['dist'];
  if (files.some((f) => f.includes('/') || f.includes('*'))) {
    throw new Error(`${path.relative(root, dir)}/package.json: "files" entries must be top-level names here`);
  }
  if (!fs.existsSync(path.join(dir, 'dist'))) {
    throw new Error(`${path.relative(root, dir)}: no dist/ (was it left out of tsconfig.gateway.json?)`);
  }
  keepOnly(dir, new Set([...files, 'package.json', 'README.md', 'LICENSE', 'node_modules']));
  // Build info next to the output (tsc -b) is of no use at run time.
  for (const name of fs.readdirSync(path.join(dir, 'dist'))) {
    if (name.endsWith('.tsbuildinfo')) fs.rmSync(path.join(dir, 'dist', name));
  }
}

// The root: the manifests, the installed dependencies and the workspaces' parent folders.
const parents = new Set(workspaces.map((dir) => path.relative(root, dir).split(path.sep)[0]));
keepOnly(root, new Set(['package.json', 'package-lock.json', 'node_modules', 'README.md', 'LICENSE', ...parents]));
console.log(`image-slim: kept ${workspaces.length} workspaces (${workspaces.map((d) => path.relative(root, d)).join(', ')})`);
