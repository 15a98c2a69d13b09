import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  ASCII_DIALECT,
  BankSimulator,
  CardBook,
  FrameDecoder,
  IsoMessage,
  IsoPackager,
  POS_CONDITION_ECOMMERCE,
  POS_ENTRY_ECOMMERCE,
  frame,
  isoMessage,
} from '@tender/adapter-iso8583';

/** How long a request waits for its answer before the test fails with the STAN named (not at mocha's timeout). */
const ANSWER_WAIT_MS = 5_000;

/** One ISO 8583 connection to the simulator over loopback TCP: sends a request, waits for the answer with its STAN. */
async function connect(port: number): Promise<{ send: (mti: string, fields: Record<number, string>) => Promise<IsoMessage>; close: () => void }> {
  const packager = new IsoPackager(ASCII_DIALECT);
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const waiting = new Map<string, { resolve: (answer: IsoMessage) => void; reject: (failure: Error) => void }>();
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const bytes of decoder.push(chunk)) {
      const answer = packager.unpack(bytes);
      waiting.get(answer.fields.get(11) ?? '')?.resolve(answer);
    }
  });
  // A reset link fails every request in flight, instead of an unhandled 'error' event.
  socket.on('error', (failure) => {
    for (const request of waiting.values()) request.reject(failure);
  });
  return {
    send: (mti, fields) =>
      new Promise((resolve, reject) => {
        const stan = fields[11] ?? '';
        const timer = setTimeout(() => {
          waiting.delete(stan);
          reject(new Error(`no answer to ${mti} STAN ${stan} within ${String(ANSWER_WAIT_MS)} ms`));
        }, ANSWER_WAIT_MS);
        const settle = (): void => {
          clearTimeout(timer);
          waiting.delete(stan);
        };
        waiting.set(stan, {
          resolve: (answer) => {
            settle();
            resolve(answer);
          },
          reject: (failure) => {
            settle();
            reject(failure);
          },
        });
        socket.write(frame(packager.pack(isoMessage(mti, fields))));
      }),
    close: () => socket.destroy(),
  };
}

/** A card authorization (0100) of 100.00 RUB with the sandbox's approved Visa, STAN `stan`. */
function authorization(stan: number): Record<number, string> {
  const s = String(stan).padStart(6, '0');
  return {
    2: '4242424242424242',
    3: '000000',
    4: '000000010000',
    7: '1207120000',
    11: s,
    14: '3012',
    22: POS_ENTRY_ECOMMERCE,
    25: POS_CONDITION_ECOMMERCE,
    37: `000000${s}`,
    41: 'TERM0001',
    49: '643',
  };
}

describe('tender-bank-sim keeps bounded memory under load', () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-sim-bounds-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps no answer for echoes: a link echoing for a while leaves the retransmission answers empty', async () => {
    const book = new CardBook(undefined);
    const sim = new BankSimulator(ASCII_DIALECT, book);
    const port = await sim.listen(0, '127.0.0.1');
    const link = await connect(port);
    try {
      // 2,000 echoes, 4 in flight, each with its own STAN and transmission time (what made them distinct keys).
      for (let round = 0; round < 500; round++) {
        const answers = await Promise.all(
          [1, 2, 3, 4].map((n) => {
            const stan = String(round * 4 + n).padStart(6, '0');
            return link.send('0800', { 7: `1207${stan}`, 11: stan, 70: '301' });
          }),
        );
        for (const answer of answers) assert.deepEqual([answer.mti, answer.fields.get(39)], ['0810', '00']);
      }
      assert.equal(sim.stats.received, 2000);
      assert.equal(book.answersKeptCount(), 0);
    } finally {
      link.close();
      await sim.close();
    }
  });

  it('answers a repeat within the window as before and holds once; keeps only the most recent answers', async () => {
    const book = new CardBook(undefined, 2);
    const sim = new BankSimulator(ASCII_DIALECT, book);
    const port = await sim.listen(0, '127.0.0.1');
    const link = await connect(port);
    try {
      const first = await link.send('0100', authorization(1));
      assert.equal(first.fields.get(39), '00');
      const repeat = await link.send('0101', authorization(1));
      assert.equal(repeat.mti, '0110');
      assert.deepEqual(
        [...repeat.fields.entries()].filter(([n]) => n !== 7),
        [...first.fields.entries()].filter(([n]) => n !== 7),
      );
      assert.equal(book.account('4242424242424242').held, 10_000, 'the repeat held nothing more');
      for (let stan = 2; stan <= 5; stan++) assert.equal((await link.send('0100', authorization(stan))).fields.get(39), '00');
      assert.equal(book.answersKeptCount(), 2, 'only the last two answers are kept');
      assert.equal(book.account('4242424242424242').held, 50_000);
      // The lookups by RRN and original data elements are indexed: a completion of the first still finds it.
      assert.equal(book.byRrn('000000000001')?.amount, 10_000);
    } finally {
      link.close();
      await sim.close();
    }
  });

  it('refuses a window that is not a whole number of answers, and keeps none when told 0', () => {
    for (const kept of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => new CardBook(undefined, kept), RangeError, String(kept));
    const book = new CardBook(undefined, 0);
    book.remember('0100:TERM0001:000001:1207120000', { 39: '00' });
    assert.equal(book.answersKeptCount(), 0);
  });

  it('writes the kept answers to its state file and finds them, and the transactions by RRN, after a restart', async () => {
    const file = path.join(dir, 'sim.json');
    const book = new CardBook(file);
    const sim = new BankSimulator(ASCII_DIALECT, book);
    const port = await sim.listen(0, '127.0.0.1');
    const link = await connect(port);
    let first: IsoMessage;
    try {
      first = await link.send('0100', authorization(7));
      await link.send('0800', { 7: '1207120000', 11: '000008', 70: '301' });
    } finally {
      link.close();
      await sim.close();
    }
    const restarted = new CardBook(file);
    assert.equal(restarted.answersKeptCount(), 1, 'the authorization, not the echo');
    assert.equal(restarted.answerFor('0100:TERM0001:000007:1207120000')?.[38], first.fields.get(38));
    assert.equal(restarted.byRrn('000000000007')?.held, 10_000);
    assert.equal(restarted.byOriginalKey('01000000071207120000')?.rrn, '000000000007');
  });
});
