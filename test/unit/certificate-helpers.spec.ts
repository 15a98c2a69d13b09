import assert from 'node:assert/strict';
import { KeyRing } from '@tender/core/dist/vault/key-ring';
import { openCaKey, sealCaKey } from '@tender/core/dist/certificates/ca-key-sealer';
import { normalizeSerial, randomSerialHex } from '@tender/core/dist/certificates/x509';

const a = Buffer.alloc(32, 1).toString('base64');
const b = Buffer.alloc(32, 2).toString('base64');
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n';

describe('CA key sealing and serials (no database)', () => {
  it('seals the CA key so only the same CA row and master key open it', () => {
    const ring = new KeyRing(a);
    const sealed = sealCaKey(ring, 'ca_1', PEM);
    assert.ok(!Buffer.from(sealed.ciphertext, 'base64').toString('latin1').includes('PRIVATE KEY'));
    assert.equal(openCaKey(ring, 'ca_1', sealed), PEM);
    assert.throws(() => openCaKey(ring, 'ca_2', sealed));
    assert.throws(() => openCaKey(new KeyRing(b), 'ca_1', sealed), /not configured/);
  });

  it('opens a key sealed under a previous master key during a rotation', () => {
    const sealed = sealCaKey(new KeyRing(a), 'ca_1', PEM);
    assert.equal(openCaKey(new KeyRing(b, [a]), 'ca_1', sealed), PEM);
  });

  it('makes positive 128-bit serials with one spelling', () => {
    const serials = new Set(Array.from({ length: 200 }, () => randomSerialHex()));
    assert.equal(serials.size, 200);
    for (const s of serials) {
      assert.match(s, /^[4-7][0-9a-f]{31}$/);
      assert.equal(normalizeSerial(s.toUpperCase()), s);
      assert.equal(normalizeSerial(`00:${s}`), s);
    }
  });
});
