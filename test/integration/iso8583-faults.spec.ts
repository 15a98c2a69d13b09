import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AuthorizationRequest, BankResult } from '@tender/core';
import net from 'node:net';
import { ASCII_DIALECT, FrameDecoder, Iso8583BankAdapter, IsoJournal, IsoPackager, frame, isoMessage } from '@tender/adapter-iso8583';
import { ISO_TERMS, IsoFixture, startIsoFixture } from '../support/iso-adapter-fixture';

const CARD = '4242424242424242';

function sale(amount: number): AuthorizationRequest {
  return {
    reference: `op_fault_${randomBytes(6).toString('hex')}`,
    paymentId: 'pay_fault',
    amount,
    currency: 'RUB',
    capture: true,
    livemode: true,
    card: { number: CARD, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: undefined, holderName: undefined },
    connection: ISO_TERMS,
  };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** One request over a fresh TCP connection to the simulator; its one answer, unpacked. */
async function exchangeRaw(port: number, bytes: Buffer): Promise<Buffer> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const decoder = new FrameDecoder();
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        const [first] = decoder.push(chunk);
        if (first !== undefined) resolve(first);
      });
      socket.on('error', reject);
      socket.write(frame(bytes));
      setTimeout(() => reject(new Error('no answer from the simulator')), 3_000);
    });
  } finally {
    socket.destroy();
  }
}

// tender-bank-sim runs as a separate process over real TCP; faults are set through its control port.
describe('ISO 8583 adapter under faults (tender-bank-sim in its own process)', () => {
  let fixture: IsoFixture;
  const logs: string[] = [];
  /** Every sale, with what the adapter finally reported after inquiries and repeated reversals. */
  const outcomes: Array<{ request: AuthorizationRequest; result: BankResult }> = [];
  const collect = {
    info: (d: object, m: string) => logs.push(`${m} ${JSON.stringify(d)}`),
    warn: (d: object, m: string) => logs.push(`${m} ${JSON.stringify(d)}`),
    error: (d: object, m: string) => logs.push(`${m} ${JSON.stringify(d)}`),
  };

  before(async () => {
    // Over a MACed link (working keys under a zone master key), so a MAC mismatch is one more fault.
    fixture = await startIsoFixture({ log: collect, deadlineMs: 400, reversalDeadlineMs: 1_000, zoneMasterKey: '0123456789ABCDEFFEDCBA9876543210' });
  });
  after(async () => {
    await fixture.close();
  });

  async function run(amount: number): Promise<BankResult> {
    const request = sale(amount);
    const result = await fixture.adapter.authorize(request);
    outcomes.push({ request, result });
    return result;
  }

  it('reverses a request whose answer comes after the deadline, and ignores the late answer', async () => {
    const before = await fixture.sim.charged(CARD);
    await fixture.sim.faults({ lateNext: 1, lateByMs: 1_000 });
    const result = await run(1_001);
    assert.equal(result.kind, 'technical_failure', JSON.stringify(result));
    assert.equal(await fixture.sim.charged(CARD), before, 'reported failed, so not charged');
    await until(async () => logs.some((l) => l.includes('late or duplicate')), 'the late answer');
    assert.equal((await run(1_002)).kind, 'approved', 'the link still works');
  });

  it('reverses a request whose answer is dropped', async () => {
    await fixture.sim.faults({ dropNext: 1 });
    const result = await run(1_003);
    assert.equal(result.kind, 'technical_failure', JSON.stringify(result));
  });

  it('logs a garbage frame with the PAN masked and carries on', async () => {
    await fixture.sim.faults({ garbageNext: 1 });
    assert.equal((await run(1_004)).kind, 'approved');
    const line = logs.find((l) => l.includes('malformed ISO 8583 frame'));
    assert.ok(line !== undefined, 'the garbage frame is logged');
    assert.ok(line.includes('424242******4242'));
    assert.ok(!logs.join('\n').includes(CARD), 'no full PAN in any log line');
  });

  it('ignores a duplicate answer', async () => {
    await fixture.sim.faults({ duplicateNext: 1 });
    assert.equal((await run(1_005)).kind, 'approved');
    assert.equal((await run(1_006)).kind, 'approved');
  });

  it('survives the bank disconnecting instead of answering', async () => {
    await fixture.sim.faults({ disconnectNext: 1 });
    const result = await run(1_007);
    assert.notEqual(result.kind, 'approved');
    await fixture.adapter.repeatReversals();
  });

  it('settles a request in flight when the simulator is killed, once it is back', async () => {
    await fixture.sim.faults({ lateNext: 1, lateByMs: 10_000 });
    const received = (await fixture.sim.state()).stats.received;
    const pending = run(1_008);
    await until(async () => (await fixture.sim.state()).stats.received > received, 'the request to arrive');
    await fixture.sim.kill();
    const result = await pending;
    assert.notEqual(result.kind, 'approved');
    await fixture.sim.spawn();
    await until(async () => (await fixture.adapter.health()).ok, 'the link to come back');
    await fixture.adapter.repeatReversals();
  });

  it('keeps a reversal the bank refuses open, repeats it (0420, 0421) until approved', async () => {
    const before = await fixture.sim.charged(CARD);
    await fixture.sim.faults({ dropNext: 1, refuseReversalsNext: 2 });
    const result = await run(1_009);
    assert.equal(result.kind, 'unknown', `refused reversal: still open, ${JSON.stringify(result)}`);
    assert.equal(await fixture.sim.charged(CARD), before + 1_009, 'the bank holds the money');
    await fixture.adapter.repeatReversals();
    assert.equal(await fixture.sim.charged(CARD), before + 1_009, 'refused again');
    await fixture.adapter.repeatReversals();
    assert.equal(await fixture.sim.charged(CARD), before, 'approved on the third try: released');
  });

  it('approves an answer that carries fields the adapter does not use (32, 44, 48), instead of reversing it', async () => {
    const before = await fixture.sim.charged(CARD);
    await fixture.sim.faults({ unknownFieldsNext: 1 });
    const result = await run(1_010);
    assert.equal(result.kind, 'approved', JSON.stringify(result));
    assert.equal(await fixture.sim.charged(CARD), before + 1_010);
  });

  it('answers a request with fields 25 and 32, and one it cannot read with 39=30', async () => {
    const packager = new IsoPackager(ASCII_DIALECT);
    const year = String((new Date().getUTCFullYear() + 2) % 100);
    const base = {
      3: '000000',
      4: '000000000500',
      7: '1127054500',
      11: '900001',
      12: '054500',
      13: '1127',
      14: `${year}12`,
      22: '012',
      37: '600000000001',
      41: 'TRAW0001',
      42: 'MERCHANT0000001',
      49: '643',
    };
    const withExtras = packager.unpack(
      await exchangeRaw(fixture.sim.port, packager.pack(isoMessage('0100', { ...base, 2: '5555555555554444', 25: '59', 32: '12345678901' }))),
    );
    assert.deepEqual([withExtras.mti, withExtras.fields.get(39)], ['0110', '00']);
    const whole = packager.pack(isoMessage('0100', { ...base, 2: '5555555555554444', 11: '900002' }));
    const truncated = packager.unpack(await exchangeRaw(fixture.sim.port, whole.subarray(0, whole.length - 2)));
    assert.deepEqual([truncated.mti, truncated.fields.get(11), truncated.fields.get(39)], ['0110', '900002', '30']);
    // Release the raw authorization's hold, so the card's ledger is only the sales of this spec.
    const reversal = packager.unpack(
      await exchangeRaw(fixture.sim.port, packager.pack(isoMessage('0400', { ...base, 11: '900003', 90: `0100900001${base[7]}${'0'.repeat(22)}` }))),
    );
    assert.equal(reversal.fields.get(39), '00');
  });

  it('repeats a capture whose answer was lost as 0221 with the same STAN, applied once', async () => {
    const auth = { ...sale(1_011), capture: false };
    const authorized = await fixture.adapter.authorize(auth);
    assert.equal(authorized.kind, 'approved');
    if (authorized.kind !== 'approved') return;
    const before = await fixture.sim.state();
    const capture = {
      reference: `op_fault_cap_${auth.reference}`,
      paymentId: auth.paymentId,
      amount: 1_011,
      currency: 'RUB',
      livemode: true,
      connection: ISO_TERMS,
      original: {
        reference: auth.reference,
        authorizationCode: authorized.authorizationCode,
        rrn: authorized.rrn,
        bankReference: authorized.bankReference,
        amount: 1_011,
        cardBin: '424242',
        cardLast4: '4242',
      },
    };
    await fixture.sim.faults({ dropNext: 1 });
    assert.equal((await fixture.adapter.capture(capture)).kind, 'unknown');
    assert.equal((await fixture.adapter.capture(capture)).kind, 'approved');
    const after = await fixture.sim.state();
    assert.equal((after.stats.byMti['0220'] ?? 0) - (before.stats.byMti['0220'] ?? 0), 1);
    assert.equal((after.stats.byMti['0221'] ?? 0) - (before.stats.byMti['0221'] ?? 0), 1, 'the retry went out as the repeat 0221');
    assert.equal(after.accounts[CARD].charged - before.accounts[CARD].charged, 1_011, 'captured once');
    outcomes.push({ request: { ...auth, capture: true }, result: authorized });
  });

  it('sends an authorization that may already have reached the bank as the repeat 0101', async () => {
    const request = { ...sale(1_012), capture: false };
    // As after a crash between writing the journal and hearing back: the row is there, state "sent".
    await new IsoJournal(fixture.db).open(request.reference, request.paymentId, '0100', ISO_TERMS, request.amount, '643');
    const before = (await fixture.sim.state()).stats.byMti['0101'] ?? 0;
    const result = await fixture.adapter.authorize(request);
    assert.equal(result.kind, 'approved', JSON.stringify(result));
    assert.equal((await fixture.sim.state()).stats.byMti['0101'], before + 1);
    // Release the hold so the card's ledger is only the sales of this spec.
    if (result.kind === 'approved') {
      const original = {
        reference: request.reference,
        authorizationCode: result.authorizationCode,
        rrn: result.rrn,
        bankReference: result.bankReference,
        amount: 1_012,
        cardBin: '424242',
        cardLast4: '4242',
      };
      assert.equal(
        (
          await fixture.adapter.void({
            reference: `op_fault_void_${request.reference}`,
            paymentId: request.paymentId,
            amount: 1_012,
            currency: 'RUB',
            livemode: true,
            connection: ISO_TERMS,
            original,
          })
        ).kind,
        'approved',
      );
    }
  });

  it('drops an answer with a wrong MAC and reverses the request', async () => {
    const before = await fixture.sim.charged(CARD);
    await fixture.sim.faults({ badMacNext: 1 });
    const result = await run(1_013);
    assert.equal(result.kind, 'technical_failure', JSON.stringify(result));
    assert.ok(logs.some((l) => l.includes('wrong MAC')));
    assert.equal(await fixture.sim.charged(CARD), before);
  });

  it('carries many requests in flight on one connection, each answer matched by terminal id + STAN', async () => {
    const single = new Iso8583BankAdapter({
      host: '127.0.0.1',
      port: fixture.sim.port,
      database: fixture.db,
      poolSize: 1,
      deadlineMs: 5_000,
      zoneMasterKey: '0123456789ABCDEFFEDCBA9876543210',
    });
    await single.init();
    try {
      await fixture.sim.faults({ latencyMs: 100 });
      const requests = Array.from({ length: 20 }, (_, i) => sale(2_000 + i));
      // The same reference twice at once is one request at the bank: both callers get its one answer.
      const results = await Promise.all([...requests, requests[0]].map((r) => single.authorize(r)));
      await fixture.sim.faults({ latencyMs: 0 });
      assert.ok(
        results.every((r) => r.kind === 'approved'),
        JSON.stringify(results.filter((r) => r.kind !== 'approved')),
      );
      assert.equal(new Set(results.slice(0, 20).map((r) => (r.kind === 'approved' ? r.rrn : ''))).size, 20, 'every answer went to its own request');
      assert.deepEqual(results[20], results[0]);
      requests.forEach((request, i) => outcomes.push({ request, result: results[i] }));
    } finally {
      await single.destroy();
    }
  });

  it('keeps an idle link alive with echoes (0800/301)', async () => {
    const idle = new Iso8583BankAdapter({
      host: '127.0.0.1',
      port: fixture.sim.port,
      database: fixture.db,
      poolSize: 1,
      echoIntervalMs: 50,
      zoneMasterKey: '0123456789ABCDEFFEDCBA9876543210',
    });
    await idle.init();
    try {
      const start = (await fixture.sim.state()).stats.received;
      await until(async () => (await fixture.sim.state()).stats.received >= start + 3, 'three echoes');
      const health = await idle.health();
      assert.equal(health.ok, true, health.detail);
      assert.equal(typeof health.latencyMs, 'number');
    } finally {
      await idle.destroy();
    }
  });

  it("leaves every sale in a definite state, and the bank's balance matches to the kopeck", async () => {
    let reported = 0;
    for (const { request, result } of outcomes) {
      let final: BankResult = result;
      if (final.kind === 'unknown') {
        const inquiry = await fixture.adapter.inquire({
          kind: 'sale',
          reference: request.reference,
          paymentId: request.paymentId,
          amount: request.amount,
          currency: 'RUB',
          livemode: true,
          cardBin: '424242',
          cardLast4: '4242',
          connection: ISO_TERMS,
        });
        assert.notEqual(inquiry.kind, 'not_found');
        final = inquiry as BankResult;
      }
      assert.notEqual(final.kind, 'unknown', `sale ${request.amount} is still unknown`);
      if (final.kind === 'approved') reported += request.amount;
    }
    // The conformance spec uses its own simulator, so this card's ledger is only these sales.
    assert.equal(await fixture.sim.charged(CARD), reported);
    // Day-end: the journal's batch totals and the simulator's agree (0500/0510), to the kopeck.
    const batches = await fixture.adapter.cutover();
    assert.ok(batches.length > 0 && batches.every((b) => b.agreed), JSON.stringify(batches));
    assert.equal(
      batches.reduce((sum, b) => sum + b.tender.debitAmount - b.tender.creditAmount, 0),
      reported,
    );
  });
});
