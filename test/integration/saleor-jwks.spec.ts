import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { OutboundHttpClient, loadConfig } from '@tender/core';
import { SaleorSignatureVerifier } from '@tender/plugin-saleor';
import { FakeSaleor } from '../support/saleor-fixtures';

/**
 * SaleorSignatureVerifier against a store's JWKS served on loopback (FakeSaleor stands
 * in for Saleor, which cannot run here). The clock is the test's, so the refetch limit
 * is checked without waiting.
 */
describe('Saleor signatures: JWKS cache, key rotation and refetch limit', function () {
  let saleor: FakeSaleor;
  let now = 1_800_000_000_000;
  const body = Buffer.from('{"action":{"amount":"10.00","currency":"RUB"}}');

  beforeEach(async () => {
    saleor = await new FakeSaleor().start();
    now = 1_800_000_000_000;
  });
  afterEach(() => saleor.close());

  // A test-mode store on loopback: private targets allowed, as in development.
  const client = OutboundHttpClient.create(loadConfig({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' }));
  const verifier = () => new SaleorSignatureVerifier({ client, now: () => now, livemodeOf: async () => false });

  it('fetches the JWKS once, then again when Saleor signs with a new kid', async () => {
    const v = verifier();
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    assert.equal(saleor.jwksFetches, 1, 'cached');
    saleor.rotateKey();
    now += 6_000; // inside the cache's lifetime, past the refetch limit
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    assert.equal(saleor.jwksFetches, 2, 'the unknown kid fetched the JWKS again');
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    assert.equal(saleor.jwksFetches, 2);
  });

  it('a rotation within 5 s of the last fetch is refused until the limit has passed', async () => {
    const v = verifier();
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    saleor.rotateKey();
    await assert.rejects(v.verify(saleor.apiUrl, body, saleor.signature(body.toString())), /does not match/);
    now += 5_001;
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    assert.equal(saleor.jwksFetches, 2);
  });

  it('a forged signature never makes the gateway call the store more than once per 5 s', async () => {
    const v = verifier();
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    // A known kid with a wrong key: refused without a fetch.
    for (let i = 0; i < 3; i++) await assert.rejects(v.verify(saleor.apiUrl, body, saleor.signature(body.toString(), stranger)), /does not match/);
    assert.equal(saleor.jwksFetches, 1);
    // Made-up kids: one refetch is allowed only after 5 s.
    for (let i = 0; i < 3; i++)
      await assert.rejects(v.verify(saleor.apiUrl, body, saleor.signature(body.toString(), stranger, `made-up-${i}`)), /does not match/);
    assert.equal(saleor.jwksFetches, 1);
    now += 5_001;
    await assert.rejects(v.verify(saleor.apiUrl, body, saleor.signature(body.toString(), stranger, 'made-up-later')), /does not match/);
    assert.equal(saleor.jwksFetches, 2);
    // The genuine signature still verifies from the cache.
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    assert.equal(saleor.jwksFetches, 2);
  });

  it('fetches again when the cached keys are older than 10 minutes', async () => {
    const v = verifier();
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    now += 10 * 60_000 + 1;
    await v.verify(saleor.apiUrl, body, saleor.signature(body.toString()));
    assert.equal(saleor.jwksFetches, 2);
  });
});
