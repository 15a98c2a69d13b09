import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '@tender/core';

const key = Buffer.alloc(32, 7).toString('base64');

describe('configuration (no database)', () => {
  it('defaults to SQLite under ./data, port 8080, the sandbox, accounts and dashboard plugins', () => {
    const c = loadConfig({}, '/srv/tender');
    assert.deepEqual(c.database, { client: 'sqlite', filename: path.join('/srv/tender/data', 'tender.sqlite'), embeddedDefault: true });
    assert.equal(c.port, 8080);
    assert.equal(c.publicUrl, 'http://localhost:8080');
    assert.deepEqual(c.plugins, [
      '@tender/adapter-sandbox',
      '@tender/plugin-accounts',
      '@tender/plugin-saved-cards',
      '@tender/dashboard',
      '@tender/plugin-sbp',
    ]);
    assert.equal(c.createDemoMerchant, true);
  });

  it('reads DATABASE_URL, TENDER_DATA_DIR and TENDER_PUBLIC_URL', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).database, { client: 'sqlite', filename: '/tmp/x.db', embeddedDefault: false });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'mysql://root:@127.0.0.1:3306/tender' }).database, {
      client: 'mysql',
      url: 'mysql://root:@127.0.0.1:3306/tender',
    });
    assert.equal(loadConfig({ TENDER_DATA_DIR: '/var/lib/tender' }).dataDir, '/var/lib/tender');
    assert.equal(loadConfig({ TENDER_PUBLIC_URL: 'https://pay.example.com/' }).publicUrl, 'https://pay.example.com');
    assert.equal(loadConfig({ DATABASE_URL: 'mysql://root@h/db' }).createDemoMerchant, false);
    assert.equal(loadConfig({}).dbPoolMax, 10);
    assert.equal(loadConfig({ TENDER_DB_POOL_MAX: '32' }).dbPoolMax, 32);
    assert.equal(loadConfig({}).dbCausalReads, 'request', "each request's first read waits on a Galera cluster");
    assert.equal(loadConfig({ TENDER_DB_CAUSAL_READS: 'all' }).dbCausalReads, 'all');
    assert.equal(loadConfig({ TENDER_DB_CAUSAL_READS: 'off' }).dbCausalReads, 'off');
    assert.throws(() => loadConfig({ TENDER_DB_CAUSAL_READS: 'true' }));
    assert.throws(() => loadConfig({ TENDER_DB_POOL_MAX: '0' }), /TENDER_DB_POOL_MAX/);
  });

  it('refuses what it cannot use, saying why', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://x' }), ConfigError);
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => loadConfig({ TENDER_MASTER_KEY: 'c2hvcnQ=' }), /32 bytes/);
    assert.throws(() => loadConfig({ TENDER_ADMIN_TOKEN: 'short' }), /TENDER_ADMIN_TOKEN/);
  });

  it('refuses to start in production without a master key or an admin token', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production', TENDER_ADMIN_TOKEN: 'x'.repeat(32) }), /TENDER_MASTER_KEY is required/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', TENDER_MASTER_KEY: key }), /TENDER_ADMIN_TOKEN is required/);
    const production = loadConfig({ NODE_ENV: 'production', TENDER_MASTER_KEY: key, TENDER_ADMIN_TOKEN: 'x'.repeat(32) });
    assert.equal(production.production, true);
    assert.equal(production.createDemoMerchant, false, 'no demo merchant in production unless TENDER_DEMO_MERCHANT=true');
  });

  it('reads the outbound settings, with TENDER_WEBHOOKS_ALLOW_PRIVATE as the older name of TENDER_OUTBOUND_ALLOW_PRIVATE', () => {
    assert.deepEqual(loadConfig({}).outbound, { allowPrivate: false, connectTimeoutMs: 5000, timeoutMs: 10_000 });
    assert.equal(loadConfig({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' }).outbound.allowPrivate, true);
    assert.equal(loadConfig({ TENDER_WEBHOOKS_ALLOW_PRIVATE: 'true' }).outbound.allowPrivate, true);
    assert.equal(
      loadConfig({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'false', TENDER_WEBHOOKS_ALLOW_PRIVATE: 'true' }).outbound.allowPrivate,
      false,
      'the new name wins',
    );
    assert.equal(loadConfig({ TENDER_OUTBOUND_TIMEOUT_MS: '2500', TENDER_OUTBOUND_CONNECT_TIMEOUT_MS: '800' }).outbound.timeoutMs, 2500);
    assert.throws(() => loadConfig({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'yes' }), /TENDER_OUTBOUND_ALLOW_PRIVATE/);
    assert.throws(() => loadConfig({ TENDER_OUTBOUND_TIMEOUT_MS: '0' }), /TENDER_OUTBOUND_TIMEOUT_MS/);
  });
});
