import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createTestDatabase } from '../support/test-database';

const MAIN = path.join(__dirname, '..', '..', '..', 'core', 'dist', 'main.js');
const GOOD_KEY = Buffer.alloc(32, 7).toString('base64');

/** `tender config check` as an operator runs it: a real process, only the environment given. */
async function configCheck(env: Record<string, string>, args: string[] = ['check']): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [MAIN, 'config', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out, err };
}

function errorLines(out: string): string[] {
  return out.split('\n').filter((l) => l.startsWith('error '));
}

describe('tender config check', function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-config-check-'));
    // Two unrelated key pairs: a certificate with the other pair's key is a problem to report.
    for (const n of ['a', 'b']) {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          `/CN=${n}.example`,
          '-days',
          '30',
          '-keyout',
          path.join(dir, `${n}.key`),
          '-out',
          path.join(dir, `${n}.crt`),
        ],
        { stdio: 'ignore' },
      );
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a production configuration that would start: exit 0, and nothing is written (no generated secrets, no database file)', async () => {
    const dataDir = path.join(dir, 'data-ok');
    const { code, out } = await configCheck({
      NODE_ENV: 'production',
      TENDER_MASTER_KEY: GOOD_KEY,
      TENDER_ADMIN_TOKEN: 'a'.repeat(32),
      TENDER_PUBLIC_URL: 'https://pay.example.com',
      TENDER_DATA_DIR: dataDir,
      TENDER_TLS_CERT_FILE: path.join(dir, 'a.crt'),
      TENDER_TLS_KEY_FILE: path.join(dir, 'a.key'),
    });
    assert.equal(code, 0, out);
    assert.match(out, /configuration OK: production, SQLite /);
    assert.deepEqual(errorLines(out), []);
    assert.equal(fs.existsSync(dataDir), false);
  });

  it('reports every problem at once, each with its variable, and exits 1', async () => {
    const { code, out } = await configCheck({
      NODE_ENV: 'production',
      PORT: 'eighty',
      TENDER_MASTER_KEY: 'too-short',
      TENDER_SMTP_URL: 'http://mail.example',
      TENDER_TRUST_PROXY: 'my-proxy',
      TENDER_OUTBOUND_TIMEOUT_MS: '-1',
      TENDER_DATA_DIR: path.join(dir, 'data-bad'),
    });
    assert.equal(code, 1, out);
    const variables = errorLines(out).map((l) => /^error +(\w+):/.exec(l)?.[1]);
    // TENDER_ADMIN_TOKEN is only missing, and only production requires it: still found.
    assert.deepEqual(variables.sort(), [
      'PORT',
      'TENDER_ADMIN_TOKEN',
      'TENDER_MASTER_KEY',
      'TENDER_OUTBOUND_TIMEOUT_MS',
      'TENDER_SMTP_URL',
      'TENDER_TRUST_PROXY',
    ]);
    assert.match(out, /TENDER_MASTER_KEY: must be base64 of exactly 32 bytes/);
    assert.match(out, /configuration: 6 problems/);
    // The invalid key is not echoed back.
    assert.doesNotMatch(out, /too-short/);
  });

  it("checks the files the configuration names: a TLS key that is not the certificate's, a missing file, a plugin not installed", async () => {
    const mismatched = await configCheck({
      TENDER_DATA_DIR: path.join(dir, 'd1'),
      TENDER_TLS_CERT_FILE: path.join(dir, 'a.crt'),
      TENDER_TLS_KEY_FILE: path.join(dir, 'b.key'),
      TENDER_PLUGINS: '@tender/adapter-sandbox,@tender/no-such-plugin',
    });
    assert.equal(mismatched.code, 1, mismatched.out);
    assert.match(mismatched.out, /error +TENDER_TLS_KEY_FILE: .*b\.key is not the key of the certificate/);
    assert.match(mismatched.out, /error +TENDER_PLUGINS: not installed: @tender\/no-such-plugin\n/);

    const missing = await configCheck({
      TENDER_DATA_DIR: path.join(dir, 'd2'),
      TENDER_TLS_CERT_FILE: path.join(dir, 'none.crt'),
      TENDER_TLS_KEY_FILE: path.join(dir, 'a.key'),
    });
    assert.equal(missing.code, 1, missing.out);
    assert.match(missing.out, /error +TENDER_TLS_CERT_FILE: cannot read .*none\.crt: ENOENT/);
  });

  it("--connect opens the database: a server that is not there is a DATABASE_URL problem; the run's own database passes", async () => {
    const closed = await configCheck({ TENDER_DATA_DIR: path.join(dir, 'd3'), DATABASE_URL: 'mysql://root@127.0.0.1:1/tender' }, ['check', '--connect']);
    assert.equal(closed.code, 1, closed.out);
    assert.match(closed.out, /error +DATABASE_URL: cannot connect: ECONNREFUSED/);

    const database = await createTestDatabase();
    try {
      const url = database.config.client === 'mysql' ? database.config.url : `sqlite:${database.config.filename}`;
      const ok = await configCheck({ TENDER_DATA_DIR: path.join(dir, 'd4'), DATABASE_URL: url }, ['check', '--connect']);
      assert.equal(ok.code, 0, ok.out + ok.err);
      assert.match(ok.out, /\(connected\)/);
    } finally {
      await database.drop();
    }
  });

  it('a command line it does not know is a usage error (exit 2)', async () => {
    const { code, err } = await configCheck({}, ['chek']);
    assert.equal(code, 2);
    assert.match(err, /unknown subcommand 'chek'[\s\S]*tender config check/);
  });
});
