import assert from 'node:assert/strict';
import path from 'node:path';
import { ASCII_DIALECT, BankSimulator, CardBook } from '@tender/adapter-iso8583';
import type * as EchoLoad from '../../bench/load/iso-echo-load';

// bench/ is its own project at bench/dist (see test/unit/bench-report.spec.ts).
const BENCH_DIST = path.resolve(__dirname, '..', '..', '..', 'bench', 'dist');
const { runEchoLoad } = require(path.join(BENCH_DIST, 'load', 'iso-echo-load')) as typeof EchoLoad;

describe('benchmark scenario 4 baseline: echo load on one ISO 8583 connection', () => {
  let sim: BankSimulator;
  let port: number;

  before(async () => {
    // The real simulator over real loopback TCP, in this process.
    sim = new BankSimulator(ASCII_DIALECT, new CardBook(undefined));
    port = await sim.listen(0, '127.0.0.1');
  });
  after(async () => {
    await sim.close();
  });

  it('matches every echo to its answer by STAN with several in flight on one connection, and counts only the measured window', async () => {
    const result = await runEchoLoad({ port, concurrency: 4, warmupMs: 100, measureMs: 300 });
    assert.equal(result.errors, 0, result.errorSamples.join('; '));
    assert.ok(result.answered > 0);
    assert.ok(result.measured <= result.answered, 'warm-up echoes are answered but not measured');
    assert.equal(sim.stats.received, result.answered, 'the simulator saw exactly the echoes the load sent');
  });

  it('fails at once when the simulator is not listening, instead of reporting an empty run', async () => {
    const silent = new BankSimulator(ASCII_DIALECT, new CardBook(undefined));
    const silentPort = await silent.listen(0, '127.0.0.1');
    await silent.close();
    await assert.rejects(runEchoLoad({ port: silentPort, concurrency: 1, warmupMs: 0, measureMs: 100 }), /ECONNREFUSED/);
  });
});
