import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { CertificateAuthority } from '@tender/plugin-accounts';
import { CertificateRepository } from '@tender/plugin-accounts/dist/certificates/certificate.repository';
import { CertificateVerifier } from '@tender/plugin-accounts/dist/certificates/certificate-verifier';
import { certsCommand } from '@tender/plugin-accounts/dist/cli/certs.command';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { admin } from '../support/payer-app';
import {
  OID,
  extensionOf,
  getBinary,
  hex,
  nameAttributes,
  nameDer,
  openssl,
  parseCertificate,
  parseCrl,
  pythonJudge,
  strictPython,
  uris,
  validateChain,
} from '../support/strict-x509';

/**
 * Issue 16, item 8: what Tender's CA issues must pass parsers that apply RFC 5280
 * strictly, not only the lenient ones Tender itself uses. Before the fix, names were
 * PrintableStrings holding `_` (Python's cryptography refused every payer
 * certificate) and certificates and CRLs had no Authority Key Identifier
 * (`openssl verify -x509_strict` failed with error 85).
 *
 * The CA's name deliberately holds characters outside PrintableString's alphabet
 * (`_`, `&`, guillemets, Cyrillic): an operator may name the CA like that.
 */

const PUBLIC_URL = 'http://pay.tender.test';
const CA_CN = 'Test_PSP payer CA «Тендер»';
const CA_O = 'Test_PSP & Co';

const pemToDer = (pem: string): Buffer => Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');

describe('security: certificates and CRLs that strict parsers accept', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let dir: string;
  let payerId: string;
  let accountId: string;
  let caDer: Buffer;
  let crlDer: Buffer;
  /** Valid payer certificates: one from a PKCS#12 (Tender made the key), one from an OpenSSL CSR. */
  const valid: { serial: string; pem: string; file: string }[] = [];
  let revokedForKey: { serial: string; pem: string; file: string };
  let revokedUnspecified: { serial: string; pem: string; file: string };
  const write = (name: string, data: string | Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    return file;
  };

  before(async () => {
    t = await startTestGateway({ env: { TENDER_PUBLIC_URL: PUBLIC_URL } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-strict-'));
    await admin(t.gateway.app).post('/ca', { common_name: CA_CN, organization: CA_O }).expect(201);
    const payer = await admin(t.gateway.app)
      .post('/payers', { name: 'Anna', account: { number: '40817810000000000001', bank: 'sandbox' } })
      .expect(201);
    payerId = payer.body.id;
    accountId = payer.body.accounts[0].id;
    const issue = async (name: string, body: Record<string, unknown>): Promise<{ serial: string; pem: string; file: string }> => {
      const res = await admin(t.gateway.app)
        .post('/certificates', { payer_id: payerId, account_id: accountId, ...body })
        .expect(201);
      return { serial: res.body.serial, pem: res.body.certificate_pem, file: write(name, res.body.certificate_pem) };
    };
    valid.push(await issue('p12.pem', { password: 'correct horse 42' }));
    const csrFile = path.join(dir, 'device.csr');
    execFileSync(
      'openssl',
      ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'device.key'), '-out', csrFile, '-subj', '/CN=whatever_the device says'],
      { stdio: 'pipe' },
    );
    valid.push(await issue('csr.pem', { csr: fs.readFileSync(csrFile, 'utf8') }));
    revokedForKey = await issue('revoked-key.pem', { password: 'revoke me please' });
    revokedUnspecified = await issue('revoked-unspecified.pem', { password: 'revoke me please' });
    await admin(t.gateway.app).post(`/certificates/${revokedForKey.serial}/revoke`, { reason: 'keyCompromise' }).expect(200);
    await admin(t.gateway.app).post(`/certificates/${revokedUnspecified.serial}/revoke`, {}).expect(200);
    caDer = (await getBinary(t.gateway.app, '/ca/certificate?format=der')).body as Buffer;
    crlDer = (await getBinary(t.gateway.app, '/ca/crl')).body as Buffer;
    write('ca.der', caDer);
    write('ca.pem', openssl(['x509', '-inform', 'DER', '-in', path.join(dir, 'ca.der')]).out);
    write('crl.der', crlDer);
    write('crl.pem', openssl(['crl', '-inform', 'DER', '-in', path.join(dir, 'crl.der')]).out);
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('openssl verify -x509_strict -crl_check accepts every valid payer certificate and reports the revoked ones as revoked', () => {
    const strict = (file: string): { status: number; out: string } =>
      openssl([
        'verify',
        '-x509_strict',
        '-crl_check',
        '-purpose',
        'sslclient',
        '-CAfile',
        path.join(dir, 'ca.pem'),
        '-CRLfile',
        path.join(dir, 'crl.pem'),
        file,
      ]);
    for (const cert of valid) {
      const r = strict(cert.file);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /: OK/);
    }
    for (const cert of [revokedForKey, revokedUnspecified]) {
      const r = strict(cert.file);
      assert.notEqual(r.status, 0);
      assert.match(r.out, /error 23 .*certificate revoked/, r.out);
    }
    // The CA certificate on its own, strictly.
    const ca = openssl(['verify', '-x509_strict', '-CAfile', path.join(dir, 'ca.pem'), path.join(dir, 'ca.pem')]);
    assert.equal(ca.status, 0, ca.out);
  });

  it('encodes every name attribute as a UTF8String holding exactly what Tender wrote (PKI.js)', () => {
    const ca = parseCertificate(caDer);
    assert.deepEqual(nameAttributes(ca.subject), [
      { type: OID.commonName, encoding: 'UTF8String', value: CA_CN },
      { type: OID.organizationName, encoding: 'UTF8String', value: CA_O },
    ]);
    for (const cert of [...valid, revokedForKey]) {
      const parsed = parseCertificate(pemToDer(cert.pem));
      assert.deepEqual(nameAttributes(parsed.subject), [
        { type: OID.commonName, encoding: 'UTF8String', value: payerId },
        { type: OID.organizationalUnitName, encoding: 'UTF8String', value: accountId },
      ]);
      // The issuer is the CA's subject byte for byte, so name chaining needs no normalisation.
      assert.equal(nameDer(parsed.issuer), nameDer(ca.subject));
    }
    assert.equal(nameDer(parseCrl(crlDer).issuer), nameDer(ca.subject));
  });

  it('gives every certificate a Subject Key Identifier, and payer certificates and the CRL an Authority Key Identifier naming the CA key', () => {
    const ca = parseCertificate(caDer);
    const caSki = extensionOf(ca.extensions, OID.subjectKeyIdentifier);
    assert.ok(caSki !== undefined, 'the CA certificate has no subject key identifier');
    const caKeyId = hex((caSki.parsedValue as { valueBlock: { valueHexView: Uint8Array } }).valueBlock.valueHexView);
    assert.equal(caKeyId.length, 40, 'a 160-bit key identifier (SHA-1 of the public key, RFC 5280 4.2.1.2 method 1)');
    for (const cert of valid) {
      const parsed = parseCertificate(pemToDer(cert.pem));
      const ski = extensionOf(parsed.extensions, OID.subjectKeyIdentifier);
      assert.ok(ski !== undefined, 'payer certificate without subject key identifier');
      const aki = extensionOf(parsed.extensions, OID.authorityKeyIdentifier);
      assert.ok(aki !== undefined, 'payer certificate without authority key identifier');
      assert.equal(aki.critical, false);
      const value = aki.parsedValue as pkijs.AuthorityKeyIdentifier;
      assert.ok(value.keyIdentifier !== undefined);
      assert.equal(hex(value.keyIdentifier.valueBlock.valueHexView), caKeyId);
    }
    const crl = parseCrl(crlDer);
    const crlAki = extensionOf(crl.crlExtensions?.extensions, OID.authorityKeyIdentifier);
    assert.ok(crlAki !== undefined, 'CRL without authority key identifier (RFC 5280 5.2.1 requires it)');
    assert.equal(hex((crlAki.parsedValue as pkijs.AuthorityKeyIdentifier).keyIdentifier?.valueBlock.valueHexView ?? new Uint8Array()), caKeyId);
  });

  it("points payer certificates at the gateway's CRL (distribution point) and CA certificate (AIA caIssuers), and those URLs serve them in DER", async () => {
    for (const cert of valid) {
      const parsed = parseCertificate(pemToDer(cert.pem));
      const dp = extensionOf(parsed.extensions, OID.crlDistributionPoints);
      assert.ok(dp !== undefined, 'no CRL distribution point');
      const points = (dp.parsedValue as pkijs.CRLDistributionPoints).distributionPoints;
      assert.equal(points.length, 1);
      const crlUrls = uris(points[0]?.distributionPoint as pkijs.GeneralName[]);
      assert.deepEqual(crlUrls, [`${PUBLIC_URL}/ca/crl`]);
      const aia = extensionOf(parsed.extensions, OID.authorityInfoAccess);
      assert.ok(aia !== undefined, 'no authority information access');
      const descriptions = (aia.parsedValue as pkijs.InfoAccess).accessDescriptions;
      assert.deepEqual(
        descriptions.map((d) => d.accessMethod),
        [OID.caIssuers],
      );
      const caUrls = uris(descriptions.map((d) => d.accessLocation));
      assert.deepEqual(caUrls, [`${PUBLIC_URL}/ca/certificate.cer`]);

      // A relying party that follows the URLs gets DER of exactly these objects (RFC 5280 4.2.1.13, 4.2.2.1).
      const crl = await getBinary(t.gateway.app, new URL(crlUrls[0] ?? '').pathname);
      assert.equal(crl.headers['content-type'], 'application/pkix-crl');
      // Signed afresh on each request (thisUpdate moves): the same list, not the same bytes.
      const fetched = parseCrl(crl.body as Buffer);
      const published = parseCrl(crlDer);
      assert.equal(nameDer(fetched.issuer), nameDer(published.issuer));
      const serials = (list: pkijs.CertificateRevocationList): string[] =>
        (list.revokedCertificates ?? []).map((r) => hex(r.userCertificate.valueBlock.valueHexView)).sort();
      assert.deepEqual(serials(fetched), serials(published));
      const crlNumber = (list: pkijs.CertificateRevocationList): string =>
        hex(extensionOf(list.crlExtensions?.extensions, OID.crlNumber)?.extnValue.valueBlock.valueHexView ?? new Uint8Array());
      assert.equal(crlNumber(fetched), crlNumber(published));
      const issuerCert = await getBinary(t.gateway.app, new URL(caUrls[0] ?? '').pathname);
      assert.equal(issuerCert.headers['content-type'], 'application/pkix-cert');
      assert.deepEqual(issuerCert.body, caDer);
    }
  });

  it('keeps the rest of the RFC 5280 profile: v3, positive serials of at most 20 octets, critical basic constraints, key usages, clientAuth, a v2 CRL with a number', () => {
    const ca = parseCertificate(caDer);
    assert.equal(ca.version, 2);
    const caBasic = extensionOf(ca.extensions, OID.basicConstraints);
    assert.equal(caBasic?.critical, true);
    assert.equal((caBasic?.parsedValue as pkijs.BasicConstraints).cA, true);
    assert.equal((caBasic?.parsedValue as pkijs.BasicConstraints).pathLenConstraint, 0, 'the CA signs payer certificates only, no sub-CAs');
    const caUsage = extensionOf(ca.extensions, OID.keyUsage);
    assert.equal(caUsage?.critical, true);
    // keyCertSign (bit 5) and cRLSign (bit 6), nothing else.
    assert.match(openssl(['x509', '-in', path.join(dir, 'ca.pem'), '-noout', '-ext', 'keyUsage']).out, /critical\s+Certificate Sign, CRL Sign\s*$/);

    for (const cert of [ca, ...valid.map((c) => parseCertificate(pemToDer(c.pem)))]) {
      const serial = Buffer.from(cert.serialNumber.valueBlock.valueHexView);
      assert.ok(serial.length >= 1 && serial.length <= 20, `serial of ${serial.length} octets`);
      assert.equal((serial[0] ?? 0) & 0x80, 0, 'serial is negative');
      assert.ok(
        serial.some((b) => b !== 0),
        'serial is zero',
      );
    }
    for (const cert of valid) {
      const parsed = parseCertificate(pemToDer(cert.pem));
      assert.equal(parsed.version, 2);
      const basic = extensionOf(parsed.extensions, OID.basicConstraints);
      assert.equal(basic?.critical, true);
      assert.equal((basic?.parsedValue as pkijs.BasicConstraints).cA, false);
      assert.equal(extensionOf(parsed.extensions, OID.keyUsage)?.critical, true);
      const eku = extensionOf(parsed.extensions, OID.extKeyUsage)?.parsedValue as pkijs.ExtKeyUsage;
      assert.deepEqual(eku.keyPurposes, [OID.clientAuth]);
      assert.match(openssl(['x509', '-in', cert.file, '-noout', '-ext', 'keyUsage']).out, /critical\s+Digital Signature\s*$/);
    }

    const crl = parseCrl(crlDer);
    assert.equal(crl.version, 1, 'a v2 CRL');
    assert.ok(extensionOf(crl.crlExtensions?.extensions, OID.crlNumber) !== undefined, 'no CRL number');
    const entries = new Map((crl.revokedCertificates ?? []).map((r) => [hex(r.userCertificate.valueBlock.valueHexView).replace(/^0+/, ''), r]));
    const keyEntry = entries.get(revokedForKey.serial);
    const unspecifiedEntry = entries.get(revokedUnspecified.serial);
    assert.ok(keyEntry !== undefined && unspecifiedEntry !== undefined);
    assert.ok(extensionOf(keyEntry.crlEntryExtensions?.extensions, OID.crlReason) !== undefined);
    // RFC 5280 5.3.1: the reason code SHOULD be absent rather than "unspecified".
    assert.equal(extensionOf(unspecifiedEntry.crlEntryExtensions?.extensions, OID.crlReason), undefined);
  });

  it('repeats the subject as subjectAltName (directoryName) and puts the issued bytes in the PKCS#12', async () => {
    for (const cert of valid) {
      const parsed = parseCertificate(pemToDer(cert.pem));
      const san = extensionOf(parsed.extensions, OID.subjectAltName);
      assert.ok(san !== undefined, 'no subjectAltName');
      assert.equal(san.critical, false);
      const names = (san.parsedValue as pkijs.AltName).altNames;
      assert.equal(names.length, 1);
      assert.equal(names[0]?.type, 4);
      assert.equal(nameDer(names[0]?.value as pkijs.RelativeDistinguishedNames), nameDer(parsed.subject));
    }
    const issued = await admin(t.gateway.app).post('/certificates', { payer_id: payerId, account_id: accountId, password: 'correct horse 43' }).expect(201);
    const p12 = path.join(dir, 'bundle.p12');
    fs.writeFileSync(p12, Buffer.from(issued.body.pkcs12, 'base64'));
    const fromP12 = openssl(['pkcs12', '-in', p12, '-passin', 'pass:correct horse 43', '-clcerts', '-nokeys']);
    assert.equal(fromP12.status, 0, fromP12.out);
    assert.deepEqual(
      pemToDer(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(fromP12.out)?.[0] ?? ''),
      pemToDer(issued.body.certificate_pem),
    );
  });

  it('refuses a CSR whose RSA key is under 2048 bits (strict verifiers refuse such a certificate), writing nothing', async () => {
    const csrFile = path.join(dir, 'small.csr');
    execFileSync(
      'openssl',
      ['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', path.join(dir, 'small.key'), '-out', csrFile, '-subj', '/CN=old phone'],
      { stdio: 'pipe' },
    );
    const before = (await t.gateway.db('payer_certificates').count({ n: '*' }).first())?.n;
    const res = await admin(t.gateway.app)
      .post('/certificates', { payer_id: payerId, account_id: accountId, csr: fs.readFileSync(csrFile, 'utf8') })
      .expect(400);
    assert.equal(res.body.error.code, 'parameter_invalid');
    assert.equal(res.body.error.param, 'csr');
    assert.match(res.body.error.message, /2048/);
    assert.equal((await t.gateway.db('payer_certificates').count({ n: '*' }).first())?.n, before);
  });

  it("passes PKI.js's chain engine (independent of OpenSSL) against the CA and CRL; a revoked certificate does not", async () => {
    for (const cert of valid) {
      const r = await validateChain(pemToDer(cert.pem), caDer, crlDer, new Date());
      assert.equal(r.result, true, r.resultMessage);
    }
    const revoked = await validateChain(pemToDer(revokedForKey.pem), caDer, crlDer, new Date());
    assert.equal(revoked.result, false);
    assert.match(revoked.resultMessage, /revoked/i);
  });

  it("is accepted by Python's cryptography (Rust parser and RFC 5280 client verifier), the parser the review used", function () {
    const python = strictPython();
    // Not a PyPI package this project may install; Debian's (38) parses names leniently and would prove nothing.
    if (python === undefined) this.skip();
    const leaves = [...valid, revokedForKey].map((c) => c.file);
    const verdict = pythonJudge(python, path.join(dir, 'ca.der'), path.join(dir, 'crl.der'), leaves);
    for (const file of [path.join(dir, 'ca.der'), path.join(dir, 'crl.der'), ...leaves])
      assert.equal(verdict.parsed[file], 'ok', `${file}: ${verdict.parsed[file]} (cryptography ${verdict.version})`);
    for (const leaf of leaves) assert.equal(verdict.verified[leaf], 'ok', `${leaf}: ${verdict.verified[leaf]}`);
    assert.equal(verdict.crlSignatureValid, true);
    assert.deepEqual(new Set(verdict.crlRevoked), new Set([revokedForKey.serial, revokedUnspecified.serial]));
  });
});

/** A payer certificate exactly as Tender issued them before the fix (node-forge's defaults). */
function legacyCertificate(caPem: string, caKeyPem: string, payerId: string, accountId: string): string {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `4c${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 5 * 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([
    { name: 'commonName', value: payerId },
    { name: 'organizationalUnitName', value: accountId },
  ]);
  cert.setIssuer(forge.pki.certificateFromPem(caPem).subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(caKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

describe('security: an imported CA, and certificates issued before the strict profile', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let dir: string;
  let payerId: string;
  let accountId: string;
  let strictSerial: string;
  const file = (n: string): string => path.join(dir, n);

  before(async () => {
    t = await startTestGateway({ env: { TENDER_PUBLIC_URL: PUBLIC_URL } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-strict-import-'));
    // OpenSSL's own choices: countryName as PrintableString, the rest UTF8String, its SKI method.
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
        '/C=RU/O=Example PSP/CN=Imported payer CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE,pathlen:0',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { stdio: 'pipe' },
    );
    await t.gateway.container.resolve(CertificateAuthority).importCa(fs.readFileSync(file('ca.pem'), 'utf8'), fs.readFileSync(file('ca.key'), 'utf8'));
    const payer = await admin(t.gateway.app)
      .post('/payers', { name: 'Oleg', account: { number: '40817810000000000001', bank: 'sandbox' } })
      .expect(201);
    payerId = payer.body.id;
    accountId = payer.body.accounts[0].id;
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("copies the imported CA's subject byte for byte as issuer and names the CA's own key identifier", async () => {
    const issued = await admin(t.gateway.app).post('/certificates', { payer_id: payerId, account_id: accountId, password: 'long enough 1' }).expect(201);
    strictSerial = issued.body.serial;
    fs.writeFileSync(file('payer.pem'), issued.body.certificate_pem);
    fs.writeFileSync(file('crl.der'), (await getBinary(t.gateway.app, '/ca/crl')).body as Buffer);
    fs.writeFileSync(file('crl.pem'), openssl(['crl', '-inform', 'DER', '-in', file('crl.der')]).out);

    const ca = parseCertificate(pemToDer(fs.readFileSync(file('ca.pem'), 'utf8')));
    const leaf = parseCertificate(pemToDer(issued.body.certificate_pem));
    assert.equal(nameDer(leaf.issuer), nameDer(ca.subject));
    assert.equal(nameDer(parseCrl(fs.readFileSync(file('crl.der'))).issuer), nameDer(ca.subject));
    const caKeyId = extensionOf(ca.extensions, OID.subjectKeyIdentifier)?.parsedValue as { valueBlock: { valueHexView: Uint8Array } };
    const aki = extensionOf(leaf.extensions, OID.authorityKeyIdentifier)?.parsedValue as pkijs.AuthorityKeyIdentifier | undefined;
    assert.equal(hex(aki?.keyIdentifier?.valueBlock.valueHexView ?? new Uint8Array()), hex(caKeyId.valueBlock.valueHexView));
    const r = openssl([
      'verify',
      '-x509_strict',
      '-crl_check',
      '-purpose',
      'sslclient',
      '-CAfile',
      file('ca.pem'),
      '-CRLfile',
      file('crl.pem'),
      file('payer.pem'),
    ]);
    assert.equal(r.status, 0, r.out);
  });

  it('keeps accepting a certificate issued before the fix, which strict parsers refuse, and `tender certs audit` names it for re-issue', async () => {
    const pem = legacyCertificate(fs.readFileSync(file('ca.pem'), 'utf8'), fs.readFileSync(file('ca.key'), 'utf8'), payerId, accountId);
    const der = pemToDer(pem);
    const ca = await t.gateway.container.resolve(CertificateAuthority).require();
    const x509 = new X509Certificate(pem);
    await new CertificateRepository().insert(t.gateway.db, {
      serial: x509.serialNumber,
      caId: ca.id,
      payerId,
      accountId,
      subject: `CN=${payerId},OU=${accountId}`,
      fingerprintSha256: createHash('sha256').update(der).digest('hex'),
      certificatePem: pem,
      issuedFrom: 'pkcs12',
      notBefore: Date.parse(x509.validFrom),
      notAfter: Date.parse(x509.validTo),
      status: 'valid',
      revocationReason: null,
      revokedAt: null,
      createdAt: Date.now(),
    });
    // Tender itself still accepts it: re-issuing is for relying parties that parse strictly.
    assert.equal((await t.gateway.container.resolve(CertificateVerifier).verify(der)).payerId, payerId);
    fs.writeFileSync(file('legacy.pem'), pem);
    const strict = openssl(['verify', '-x509_strict', '-CAfile', file('ca.pem'), file('legacy.pem')]);
    assert.match(strict.out, /error 85 .*Missing Authority Key Identifier/);
    assert.equal(openssl(['verify', '-CAfile', file('ca.pem'), file('legacy.pem')]).status, 0);
    const python = strictPython();
    if (python !== undefined) {
      fs.writeFileSync(file('ca.der'), pemToDer(fs.readFileSync(file('ca.pem'), 'utf8')));
      const verdict = pythonJudge(python, file('ca.der'), file('crl.der'), [file('legacy.pem')]);
      assert.match(verdict.parsed[file('legacy.pem')] ?? '', /PrintableString/);
    }

    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => chunks.push(c));
    assert.equal(await certsCommand(t.gateway.config, ['audit'], out), 0);
    const report = Buffer.concat(chunks).toString('utf8');
    assert.match(report, /^CA ca_\w+: ok$/m);
    const legacyLine = report.split('\n').find((l) => l.startsWith(x509.serialNumber.toLowerCase()));
    assert.ok(legacyLine !== undefined, report);
    assert.match(legacyLine, /subject CN is a PrintableString holding "_"/);
    assert.match(legacyLine, /no authority key identifier/);
    assert.match(legacyLine, /no CRL distribution point/);
    assert.ok(!report.includes(strictSerial), 'the certificate issued under the strict profile is not reported');
    assert.match(report, /^1 of 2 certificates in use would be refused by strict parsers/m);
  });
});

describe('security: payer certificates name TENDER_CA_PUBLICATION_URL when it is set', function () {
  this.timeout(60_000);
  let t: TestGateway;

  before(async () => {
    t = await startTestGateway({ env: { TENDER_PUBLIC_URL: 'https://pay.tender.test', TENDER_CA_PUBLICATION_URL: 'http://pki.tender.test/psp/' } });
  });
  after(async () => {
    await t.close();
  });

  it('points the CRL distribution point and AIA at the publication URL (plain HTTP, as relying parties fetch it)', async () => {
    await admin(t.gateway.app).post('/ca', { common_name: 'Test PSP payer CA' }).expect(201);
    const payer = await admin(t.gateway.app)
      .post('/payers', { name: 'Ivan', account: { number: '40817810000000000001', bank: 'sandbox' } })
      .expect(201);
    const issued = await admin(t.gateway.app)
      .post('/certificates', { payer_id: payer.body.id, account_id: payer.body.accounts[0].id, password: 'long enough 2' })
      .expect(201);
    const leaf = parseCertificate(pemToDer(issued.body.certificate_pem));
    const points = (extensionOf(leaf.extensions, OID.crlDistributionPoints)?.parsedValue as pkijs.CRLDistributionPoints).distributionPoints;
    assert.deepEqual(uris(points[0]?.distributionPoint as pkijs.GeneralName[]), ['http://pki.tender.test/psp/ca/crl']);
    const access = (extensionOf(leaf.extensions, OID.authorityInfoAccess)?.parsedValue as pkijs.InfoAccess).accessDescriptions;
    assert.deepEqual(uris(access.map((d) => d.accessLocation)), ['http://pki.tender.test/psp/ca/certificate.cer']);
  });
});

describe('security: a CA made by an earlier `tender ca init` keeps serving after the upgrade', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let dir: string;

  before(async () => {
    t = await startTestGateway({ env: { TENDER_PUBLIC_URL: PUBLIC_URL } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-strict-old-ca-'));
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('issues strict payer certificates and CRLs under the old CA certificate (PrintableString names, no AKI), which strict verifiers accept', async function () {
    // The CA certificate exactly as the earlier init made it (node-forge's defaults), stored the way init stores it.
    const keys = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const old = forge.pki.createCertificate();
    old.publicKey = forge.pki.publicKeyFromPem(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    old.serialNumber = `4d${randomBytes(15).toString('hex')}`;
    old.validity.notBefore = new Date(Date.now() - 5 * 60_000);
    old.validity.notAfter = new Date(Date.now() + 3650 * 86_400_000);
    const subject = [
      { name: 'commonName', value: 'Tender payer CA (pay.tender.test)' },
      { name: 'organizationName', value: 'Tender' },
    ];
    old.setSubject(subject);
    old.setIssuer(subject);
    old.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    old.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
    const caPem = forge.pki.certificateToPem(old);
    await t.gateway.container.resolve(CertificateAuthority).importCa(caPem, keyPem);

    const payer = await admin(t.gateway.app)
      .post('/payers', { name: 'Olga', account: { number: '40817810000000000001', bank: 'sandbox' } })
      .expect(201);
    const issued = await admin(t.gateway.app)
      .post('/certificates', { payer_id: payer.body.id, account_id: payer.body.accounts[0].id, password: 'long enough 3' })
      .expect(201);
    const file = (n: string): string => path.join(dir, n);
    fs.writeFileSync(file('ca.pem'), caPem);
    fs.writeFileSync(file('ca.der'), pemToDer(caPem));
    fs.writeFileSync(file('payer.pem'), issued.body.certificate_pem);
    fs.writeFileSync(file('crl.der'), (await getBinary(t.gateway.app, '/ca/crl')).body as Buffer);
    fs.writeFileSync(file('crl.pem'), openssl(['crl', '-inform', 'DER', '-in', file('crl.der')]).out);

    assert.equal(nameDer(parseCertificate(pemToDer(issued.body.certificate_pem)).issuer), nameDer(parseCertificate(pemToDer(caPem)).subject));
    const r = openssl([
      'verify',
      '-x509_strict',
      '-crl_check',
      '-purpose',
      'sslclient',
      '-CAfile',
      file('ca.pem'),
      '-CRLfile',
      file('crl.pem'),
      file('payer.pem'),
    ]);
    assert.equal(r.status, 0, r.out);
    const python = strictPython();
    if (python === undefined) this.skip();
    const verdict = pythonJudge(python, file('ca.der'), file('crl.der'), [file('payer.pem')]);
    assert.equal(verdict.parsed[file('payer.pem')], 'ok');
    assert.equal(verdict.verified[file('payer.pem')], 'ok', verdict.verified[file('payer.pem')]);
    assert.equal(verdict.crlSignatureValid, true);
  });
});
