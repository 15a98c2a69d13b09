import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Loads `specifier` in a fresh node process and reports what require.cache holds afterwards. */
function load(specifier: string): { modules: string[]; exports: string[] } {
  const script = `
    const loaded = require(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify({ modules: Object.keys(require.cache), exports: Object.keys(loaded) }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })) as { modules: string[]; exports: string[] };
}

describe('@tender/core/testing, the light entry of the conformance suites', function () {
  this.timeout(30_000);

  it('loads the suites without the gateway, express, knex, database drivers or the container', () => {
    const { modules, exports } = load('@tender/core/testing');
    for (const name of [
      'checkRoutingStrategy',
      'checkRiskRule',
      'checkPaymentMethod',
      'checkCertificateAuthenticator',
      'runBankAdapterConformance',
      'assertConforms',
    ]) {
      assert.ok(exports.includes(name), `exports ${name}`);
    }
    const heavy = modules.filter(
      (m) =>
        /[\\/]node_modules[\\/](express|knex|tsyringe|better-sqlite3|mysql2|handlebars|pino|zod|node-forge|reflect-metadata)[\\/]/.test(m) ||
        /[\\/]core[\\/]dist[\\/](gateway|index|main)\.js$/.test(m) ||
        /[\\/]core[\\/]dist[\\/](http|web|db|payments)[\\/]/.test(m),
    );
    assert.deepEqual(heavy, []);
    // The whole suite is a handful of files (10 today); the gateway's public entry is over a thousand.
    assert.ok(modules.length < 25, `${modules.length} modules: ${modules.join(', ')}`);
  });

  it('runs under node:test as well, imported as an ES module', () => {
    const out = execFileSync(process.execPath, ['--test', '--test-reporter=tap', path.join(ROOT, 'test', 'fixtures', 'runners', 'node-test-suites.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.match(out, /# pass 2/);
    assert.match(out, /# fail 0/);
  });

  it('is a subpath of the package, while deep imports of dist keep working', () => {
    assert.ok(load('@tender/core/dist/routing/routing-strategy').exports.includes('ROUTING_STRATEGY'));
    assert.ok(
      load('@tender/core').modules.some((m) => /[\\/]node_modules[\\/]express[\\/]/.test(m)),
      'the main entry still is the gateway',
    );
  });
});
