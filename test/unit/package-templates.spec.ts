import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CORE_TEMPLATES_DIR, DEFAULT_THEME_DIR, loadConfig } from '@tender/core';
import { WEB_TEMPLATES_DIR } from '@tender/dashboard';

const packageRoot = (name: string): string => path.dirname(require.resolve(`${name}/package.json`));

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** What `npm pack` would put in the tarball (no network, nothing written). */
function packedFiles(root: string): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [entry] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return new Set((entry?.files ?? []).map((f) => f.path));
}

describe('templates ship inside their package (no database)', function () {
  this.timeout(60000);

  for (const [name, dir] of [
    ['@tender/core', CORE_TEMPLATES_DIR],
    ['@tender/dashboard', WEB_TEMPLATES_DIR],
  ] as const) {
    it(`${name} reads its templates from its own package root, and its tarball has every one`, () => {
      const root = packageRoot(name);
      assert.equal(dir, path.join(root, 'templates'));
      const files = filesUnder(dir);
      assert.ok(files.length > 10, `templates under ${dir}`);
      const packed = packedFiles(root);
      const missing = files.map((f) => path.relative(root, f).split(path.sep).join('/')).filter((f) => !packed.has(f));
      assert.deepEqual(missing, []);
    });
  }

  it("defaults the hosted page theme to core/templates/default, with core's locales", () => {
    assert.equal(loadConfig({}).templatesDir, DEFAULT_THEME_DIR);
    assert.equal(DEFAULT_THEME_DIR, path.join(CORE_TEMPLATES_DIR, 'default'));
    for (const l of ['en', 'ru', 'ar']) assert.ok(fs.existsSync(path.join(CORE_TEMPLATES_DIR, 'locales', `${l}.json`)), l);
    for (const d of ['email', 'signup']) assert.ok(fs.statSync(path.join(CORE_TEMPLATES_DIR, d)).isDirectory(), d);
  });

  it('leaves no template at the repository root (each package has its own)', () => {
    const old = path.join(__dirname, '..', '..', '..', 'templates');
    assert.deepEqual(fs.existsSync(old) ? filesUnder(old) : [], []);
  });
});
