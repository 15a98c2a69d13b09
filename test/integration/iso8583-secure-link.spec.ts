import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { AuthorizationRequest, Database, KeyRing, createDatabase, migratePlugins, migrateToLatest } from '@tender/core';
import { Iso8583BankAdapter, plugin as isoPlugin } from '@tender/adapter-iso8583';
import { TestDatabase, createTestDatabase } from '../support/test-database';
import { BankSimProcess } from '../support/bank-sim-process';
import { ISO_TERMS } from '../support/iso-adapter-fixture';

const ZMK = '0123456789ABCDEFFEDCBA9876543210';
const CARD = '4242424242424242';

/** A self-signed certificate for 127.0.0.1 (the centre's), made for this test. */
function selfSigned(dir: string): { cert: string; certFile: string; keyFile: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: 'processing-centre.test' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  fs.writeFileSync(certFile, pem);
  fs.writeFileSync(keyFile, forge.pki.privateKeyToPem(keys.privateKey));
  return { cert: pem, certFile, keyFile };
}

// Issue 19 item 6: TLS on the link, working keys exchanged under a zone master key
// (0800/161), every financial message MACed (X9.19), a MAC mismatch, and a cut-over
// (0500/0510) whose batch totals agree with the journal. tender-bank-sim in its own
// process plays the host side, over real TCP (TLS) on loopback.
describe('ISO 8583 link security and day-end (TLS, MAC, key exchange, cut-over)', function () {
  let database: TestDatabase;
  let db: Database;
  let sim: BankSimProcess;
  let adapter: Iso8583BankAdapter;
  let dir: string;
  let cert: string;
  const logs: string[] = [];
  const log = {
    info: (d: object, m: string) => logs.push(`${m} ${JSON.stringify(d)}`),
    warn: (d: object, m: string) => logs.push(`${m} ${JSON.stringify(d)}`),
    error: (d: object, m: string) => logs.push(`${m} ${JSON.stringify(d)}`),
  };
  const options = () => ({
    host: '127.0.0.1',
    port: sim.port,
    database: db,
    poolSize: 1,
    deadlineMs: 500,
    reversalDeadlineMs: 1_000,
    reversalRepeatMs: 600_000,
    reconnectInitialMs: 50,
    reconnectMaxMs: 200,
    keyRing: new KeyRing(randomBytes(32).toString('base64')),
    tls: { ca: cert },
    log,
  });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-iso-tls-'));
    const made = selfSigned(dir);
    cert = made.cert;
    database = await createTestDatabase();
    db = createDatabase(database.config);
    await migrateToLatest(db);
    await migratePlugins(db, [isoPlugin]);
    sim = await BankSimProcess.start('iso8583-1987-ascii', ['--zmk', ZMK, '--tls-cert', made.certFile, '--tls-key', made.keyFile]);
    adapter = new Iso8583BankAdapter({ ...options(), zoneMasterKey: ZMK, standInFloorLimit: 5_000 });
    await adapter.init();
  });
  after(async () => {
    await adapter.destroy();
    await sim.stop();
    await db.destroy();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sale = (amount: number): AuthorizationRequest => ({
    reference: `op_sec_${randomBytes(6).toString('hex')}`,
    paymentId: 'pay_sec',
    amount,
    currency: 'RUB',
    capture: true,
    livemode: true,
    card: { number: CARD, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123', holderName: undefined },
    connection: ISO_TERMS,
  });

  it('signs on over TLS, takes a working key under the zone master key, and carries MACed purchases', async () => {
    assert.equal((await adapter.health()).ok, true);
    assert.equal((await adapter.authorize(sale(1_500))).kind, 'approved');
    const byMti = (await sim.state()).stats.byMti;
    assert.ok((byMti['0800'] ?? 0) >= 2, 'sign-on and key request');
    assert.equal(await sim.charged(CARD), 1_500);
  });

  it('drops an answer whose MAC is wrong and reverses the purchase', async () => {
    await sim.faults({ badMacNext: 1 });
    const result = await adapter.authorize(sale(2_000));
    assert.equal(result.kind, 'technical_failure', JSON.stringify(result));
    assert.ok(
      logs.some((l) => l.includes('wrong MAC')),
      'the mismatch is logged',
    );
    assert.equal(await sim.charged(CARD), 1_500, 'reversed: not charged');
  });

  it("gets no link with the wrong zone master key, nor without trusting the centre's certificate", async () => {
    const wrongKey = new Iso8583BankAdapter({ ...options(), code: 'wrong-zmk', zoneMasterKey: 'FEDCBA98765432100123456789ABCDEF' });
    await wrongKey.init();
    assert.equal((await wrongKey.health()).ok, false);
    await wrongKey.destroy();
    assert.ok(logs.some((l) => l.includes('key exchange failed')));
    const untrusted = new Iso8583BankAdapter({ ...options(), code: 'untrusted', tls: {}, zoneMasterKey: ZMK });
    await untrusted.init();
    assert.equal((await untrusted.health()).ok, false);
    await untrusted.destroy();
  });

  it('approves in stand-in while the centre is down, up to the floor limit, and forwards the advice (0220) once it is back', async () => {
    await sim.kill();
    for (let i = 0; i < 100 && (await adapter.health()).ok; i++) await new Promise((r) => setTimeout(r, 20));
    const small = await adapter.authorize(sale(3_000));
    assert.equal(small.kind, 'approved', JSON.stringify(small));
    if (small.kind === 'approved') assert.match(small.authorizationCode ?? '', /^S\d{5}$/);
    const large = await adapter.authorize(sale(6_000));
    assert.deepEqual(
      [large.kind, large.kind === 'technical_failure' ? large.reason : ''],
      ['technical_failure', 'bank_unreachable'],
      'above the floor limit: not stood in',
    );
    await sim.spawn();
    for (let i = 0; i < 200 && !(await adapter.health()).ok; i++) await new Promise((r) => setTimeout(r, 25));
    const before = await sim.charged(CARD);
    await adapter.repeatReversals();
    assert.equal(await sim.charged(CARD), before + 3_000, 'the advice reached the bank');
    assert.equal((await sim.state()).stats.byMti['0220'], 1);
    await adapter.repeatReversals();
    assert.equal((await sim.state()).stats.byMti['0221'] ?? 0, 0, 'acknowledged advices are not repeated');
  });

  it('cuts over with batch totals that agree with the host to the kopeck, then begins a new batch', async () => {
    assert.equal((await adapter.authorize(sale(3_000))).kind, 'approved');
    const [batch, ...rest] = await adapter.cutover();
    assert.equal(rest.length, 0);
    assert.ok(batch !== undefined);
    assert.equal(batch.agreed, true, JSON.stringify(batch));
    assert.deepEqual(batch.tender, { debits: 3, debitAmount: 7_500, credits: 0, creditAmount: 0 }, '1 500 + 3 000 in stand-in + 3 000');
    assert.deepEqual(batch.host, batch.tender);
    assert.equal(await sim.charged(CARD), batch.tender.debitAmount - batch.tender.creditAmount);
    assert.deepEqual(await adapter.cutover(), [], 'nothing left in the batch');
  });
});
