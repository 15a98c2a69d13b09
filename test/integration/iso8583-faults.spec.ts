import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AuthorizationRequest, BankResult } from '@tender/core';
import { Iso8583BankAdapter } from '@tender/adapter-iso8583';
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

// tender-bank-sim runs as a separate process over real TCP; faults are set through its control port.
describe('ISO 8583 adapter under faults (tender-bank-sim in its own process)', () => {
  let fixture: IsoFixture;
  const logs: string[] = [];
  /** Every sale, with what the adapter finally reported after inquiries and repeated reversals. */
  const outcomes: Array<{ request: AuthorizationRequest; result: BankResult }> = [];
  const collect = { info: (d: object, m: string) => logs.push(`${m} ${JSON.stringify(d)}`), warn: (d: object, m: string) => logs.push(`${m} ${JSON.stringify(d)}`), error: (d: object, m: string) => logs.push(`${m} ${JSON.stringify(d)}`) };

  before(async () => {
    fixture = await startIsoFixture({ log: collect, deadlineMs: 400, reversalDeadlineMs: 1_000 });
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

  it('carries many requests in flight on one connection, each answer matched by terminal id + STAN', async () => {
    const single = new Iso8583BankAdapter({ host: '127.0.0.1', port: fixture.sim.port, database: fixture.db, poolSize: 1, deadlineMs: 5_000 });
    await single.init();
    try {
      await fixture.sim.faults({ latencyMs: 100 });
      const requests = Array.from({ length: 20 }, (_, i) => sale(2_000 + i));
      // The same reference twice at once is one request at the bank: both callers get its one answer.
      const results = await Promise.all([...requests, requests[0]!].map((r) => single.authorize(r)));
      await fixture.sim.faults({ latencyMs: 0 });
      assert.ok(results.every((r) => r.kind === 'approved'), JSON.stringify(results.filter((r) => r.kind !== 'approved')));
      assert.equal(new Set(results.slice(0, 20).map((r) => (r.kind === 'approved' ? r.rrn : ''))).size, 20, 'every answer went to its own request');
      assert.deepEqual(results[20], results[0]);
      requests.forEach((request, i) => outcomes.push({ request, result: results[i]! }));
    } finally {
      await single.destroy();
    }
  });

  it('keeps an idle link alive with echoes (0800/301)', async () => {
    const idle = new Iso8583BankAdapter({ host: '127.0.0.1', port: fixture.sim.port, database: fixture.db, poolSize: 1, echoIntervalMs: 50 });
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

  it('leaves every sale in a definite state, and the bank\'s balance matches to the kopeck', async () => {
    let reported = 0;
    for (const { request, result } of outcomes) {
      let final: BankResult = result;
      if (final.kind === 'unknown') {
        const inquiry = await fixture.adapter.inquire({ kind: 'sale', reference: request.reference, paymentId: request.paymentId, amount: request.amount, currency: 'RUB', livemode: true, cardBin: '424242', cardLast4: '4242', connection: ISO_TERMS });
        assert.notEqual(inquiry.kind, 'not_found');
        final = inquiry as BankResult;
      }
      assert.notEqual(final.kind, 'unknown', `sale ${request.amount} is still unknown`);
      if (final.kind === 'approved') reported += request.amount;
    }
    // The conformance spec uses its own simulator, so this card's ledger is only these sales.
    assert.equal(await fixture.sim.charged(CARD), reported);
  });
});
