import assert from 'node:assert/strict';
import { KeyRing } from '@tender/core/dist/vault/key-ring';
import { maskPans } from '@tender/core';

const a = Buffer.alloc(32, 1).toString('base64');
const b = Buffer.alloc(32, 2).toString('base64');

describe('key ring and masking (no database)', () => {
  it('fingerprints a PAN with a keyed hash that differs per master key', () => {
    const ra = new KeyRing(a);
    const rb = new KeyRing(b);
    assert.equal(ra.cardFingerprint('4242424242424242'), ra.cardFingerprint('4242424242424242'));
    assert.notEqual(ra.cardFingerprint('4242424242424242'), rb.cardFingerprint('4242424242424242'));
    assert.ok(!ra.cardFingerprint('4242424242424242').includes('4242424242424242'));
  });

  it('keeps earlier master keys findable by version during a rotation', () => {
    const old = new KeyRing(a);
    const rotated = new KeyRing(b, [a]);
    assert.notEqual(old.current.version, rotated.current.version);
    assert.ok(rotated.find(old.current.version) !== undefined);
    assert.equal(new KeyRing(b).find(old.current.version), undefined);
  });

  it('masks anything that looks like a PAN down to BIN and last 4', () => {
    assert.equal(maskPans('card 4242424242424242 failed'), 'card 424242******4242 failed');
    assert.equal(maskPans('card 4242 4242 4242 4242.'), 'card 424242******4242.');
    assert.equal(maskPans('amount 150000'), 'amount 150000');
  });
});
