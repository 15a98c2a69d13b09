import assert from 'node:assert/strict';
import { KeyRing } from '@tender/core/dist/vault/key-ring';
import { openCaKey, sealCaKey } from '@tender/plugin-accounts/dist/certificates/ca-key-sealer';
import { normalizeSerial, randomSerialHex } from '@tender/plugin-accounts/dist/certificates/x509';
import { constructed, integer, integerHex, namedBits, oid, readTlv, seq, set, time, tlv, utf8 } from '@tender/plugin-accounts/dist/certificates/der';
import { KEY_USAGE, OIDS } from '@tender/plugin-accounts/dist/certificates/x509-builder';
import { strictProfileProblems } from '@tender/plugin-accounts/dist/certificates/strict-profile';
import { caPublicationUrls } from '@tender/plugin-accounts/dist/certificates/ca-urls';
import { loadConfig } from '@tender/core';

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

describe('DER of the CA profile (no database)', () => {
  const hexOf = (b: Buffer): string => b.toString('hex');

  it('encodes times as UTCTime until 2049 and GeneralizedTime from 2050, in whole seconds', () => {
    assert.equal(hexOf(time(Date.UTC(2049, 11, 31, 23, 59, 59, 999))), `170d${Buffer.from('491231235959Z').toString('hex')}`);
    assert.equal(hexOf(time(Date.UTC(2050, 0, 1, 0, 0, 0))), `180f${Buffer.from('20500101000000Z').toString('hex')}`);
  });

  it('encodes INTEGERs minimally and never negative', () => {
    assert.equal(hexOf(integerHex('00007f')), '02017f');
    assert.equal(hexOf(integerHex('80')), '02020080');
    assert.equal(hexOf(integerHex('0')), '020100');
    assert.equal(hexOf(integer(1)), '020101');
  });

  it('encodes OIDs with multi-byte arcs and named bits without trailing zeros', () => {
    assert.equal(hexOf(oid('1.2.840.113549.1.1.11')), '06092a864886f70d01010b');
    assert.equal(hexOf(oid('2.5.29.35')), '0603551d23');
    assert.equal(hexOf(namedBits([KEY_USAGE.digitalSignature])), '03020780');
    assert.equal(hexOf(namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])), '03020106');
  });

  it('writes long content with long-form lengths that the reader reads back', () => {
    const big = utf8('й'.repeat(200));
    assert.equal(hexOf(big.subarray(0, 4)), '0c820190');
    const t = readTlv(big, 0);
    assert.equal(t.end, big.length);
    assert.equal(big.subarray(t.contentStart, t.end).toString('utf8'), 'й'.repeat(200));
  });

  it('names the problems strict parsers have with a certificate', () => {
    const name = seq(set(seq(oid(OIDS.commonName), tlv(0x13, Buffer.from('pyr_1')))));
    const legacy = seq(
      seq(
        constructed(0, integer(2)),
        integer(1),
        seq(oid('1.2.840.113549.1.1.11')),
        name,
        seq(time(0), time(1000)),
        name,
        seq(seq(oid('1.2.840.113549.1.1.1')), tlv(0x03, Buffer.from([0, 1]))),
      ),
    );
    assert.deepEqual(strictProfileProblems(legacy), [
      'issuer CN is a PrintableString holding "_", outside its alphabet',
      'subject CN is a PrintableString holding "_", outside its alphabet',
      'no subject key identifier',
      'no authority key identifier (openssl verify -x509_strict: error 85)',
      'no subjectAltName (strict client verifiers take the identity from it)',
      'no CRL distribution point',
      'no authority information access (caIssuers)',
    ]);
    assert.deepEqual(strictProfileProblems(legacy, 'ca'), [
      'issuer CN is a PrintableString holding "_", outside its alphabet',
      'subject CN is a PrintableString holding "_", outside its alphabet',
      'no subject key identifier',
    ]);
    assert.deepEqual(strictProfileProblems(Buffer.from('3000', 'hex')), ['not a certificate']);
  });
});

describe('where payer certificates send relying parties (no database)', () => {
  const env = { TENDER_DATA_DIR: '/tmp/tender-unused', TENDER_PUBLIC_URL: 'https://pay.example.com/' };

  it('follows TENDER_PUBLIC_URL unless TENDER_CA_PUBLICATION_URL names another base', () => {
    assert.equal(loadConfig(env).certificates.publicationUrl, undefined);
    assert.equal(
      loadConfig({ ...env, TENDER_CA_PUBLICATION_URL: 'http://pki.example.com/tender/' }).certificates.publicationUrl,
      'http://pki.example.com/tender',
    );
    assert.deepEqual(caPublicationUrls('http://pki.example.com/tender'), {
      caCertificate: 'http://pki.example.com/tender/ca/certificate.cer',
      crl: 'http://pki.example.com/tender/ca/crl',
    });
  });

  it('refuses a publication URL with a query, a fragment or another scheme', () => {
    for (const bad of ['http://pki.example.com/?x=1', 'http://pki.example.com/#top', 'ldap://pki.example.com/', 'not a url']) {
      assert.throws(() => loadConfig({ ...env, TENDER_CA_PUBLICATION_URL: bad }), /TENDER_CA_PUBLICATION_URL/);
    }
  });

  it('writes an internationalised host as punycode (URIs in certificates are IA5String)', () => {
    assert.deepEqual(caPublicationUrls('http://пример.рф/оплата'), {
      caCertificate: 'http://xn--e1afmkfd.xn--p1ai/%D0%BE%D0%BF%D0%BB%D0%B0%D1%82%D0%B0/ca/certificate.cer',
      crl: 'http://xn--e1afmkfd.xn--p1ai/%D0%BE%D0%BF%D0%BB%D0%B0%D1%82%D0%B0/ca/crl',
    });
  });
});
