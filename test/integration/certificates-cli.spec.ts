import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Gateway, loadConfig } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { testDatabaseUrl } from '../support/test-database';
import { ADMIN_TOKEN } from '../support/test-gateway';
import { admin } from '../support/payer-app';

const MAIN = path.join(__dirname, '..', '..', '..', 'core', 'dist', 'main.js');

describe('tender ca / tender certs (the CLI, with an OpenSSL-made CA imported)', function () {
  this.timeout(60_000);
  let dir: string;
  let env: Record<string, string>;
  const tender = (...args: string[]): { status: number; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const file = (name: string): string => path.join(dir, name);

  before(function () {
    // A command-line run on the embedded database; the services behind it run on both dialects elsewhere.
    if (testDatabaseUrl() !== undefined) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-certs-cli-'));
    env = {
      TENDER_DATA_DIR: dir,
      DATABASE_URL: `sqlite:${file('tender.sqlite')}`,
      TENDER_MASTER_KEY: randomBytes(32).toString('base64'),
      TENDER_ADMIN_TOKEN: ADMIN_TOKEN,
      TENDER_LOG_LEVEL: 'warn',
    };
  });
  after(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports a CA, issues from a CSR and as PKCS#12, lists and revokes', async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:3072',
        '-nodes',
        '-keyout',
        file('ca.key'),
        '-out',
        file('ca.pem'),
        '-days',
        '30',
        '-subj',
        '/CN=Imported payer CA/O=Example PSP',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { stdio: 'pipe' },
    );
    const imported = tender('ca', 'import', '--cert', file('ca.pem'), '--key', file('ca.key'));
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /imported CA ca_/);
    assert.doesNotMatch(imported.stdout, /warning/);
    assert.equal(tender('ca', 'init').status, 2);
    assert.match(tender('ca', 'show').stdout, /BEGIN CERTIFICATE/);

    // Payers are registered through the operator API.
    const gateway = await Gateway.create({ ...loadConfig(env), reconcileIntervalMs: 0 }, { plugins: [sandboxPlugin, accountsPlugin] });
    let payerId: string;
    let accountId: string;
    try {
      const payer = await admin(gateway.app)
        .post('/payers', { name: 'Oleg', account: { number: '40817810000000000001', bank: 'sandbox' } })
        .expect(201);
      payerId = payer.body.id;
      accountId = payer.body.accounts[0].id;
    } finally {
      await gateway.close();
    }

    execFileSync(
      'openssl',
      ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('device.key'), '-out', file('device.csr'), '-subj', '/CN=device'],
      { stdio: 'pipe' },
    );
    const fromCsr = tender(
      'certs',
      'issue',
      '--payer',
      payerId,
      '--account',
      accountId,
      '--csr',
      file('device.csr'),
      '--out',
      file('device.pem'),
      '--days',
      '90',
    );
    assert.equal(fromCsr.status, 0, fromCsr.stderr);
    const serial = /issued ([0-9a-f]+)/.exec(fromCsr.stdout)?.[1] ?? '';
    assert.equal(execFileSync('openssl', ['verify', '-CAfile', file('ca.pem'), file('device.pem')], { encoding: 'utf8' }).trim(), `${file('device.pem')}: OK`);

    const p12 = tender('certs', 'issue', '--payer', payerId, '--account', accountId, '--p12', file('payer.p12'), '--password', 'cli password 1');
    assert.equal(p12.status, 0, p12.stderr);
    assert.match(
      execFileSync('openssl', ['pkcs12', '-info', '-in', file('payer.p12'), '-passin', 'pass:cli password 1', '-nodes'], { encoding: 'utf8', stdio: 'pipe' }),
      /BEGIN PRIVATE KEY/,
    );

    const listed = tender('certs', 'list', '--payer', payerId);
    assert.equal(listed.stdout.trim().split('\n').length, 2);
    const revoked = tender('certs', 'revoke', serial, '--reason', 'keyCompromise');
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.match(tender('certs', 'list', '--status', 'revoked').stdout, new RegExp(`^${serial}\\s+revoked`));
    const bad = tender('certs', 'revoke', serial, '--reason', 'boredom');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--reason must be one of/);
  });
});
