import net from 'node:net';
import { ASCII_DIALECT, FrameDecoder, IsoPackager, frame, isoMessage } from '@tender/adapter-iso8583';
import { percentile } from './percentile';

/** What the echo load measured: the same figures as a LoadResult, for one connection. */
export interface EchoResult {
  readonly measured: number;
  readonly measureMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly answered: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
}

/**
 * Scenario 4's baseline: echo tests (0800, field 70 = 301) to tender-bank-sim on ONE
 * TCP connection with `concurrency` requests in flight, matched to their answers by
 * STAN: the simulator's raw round trip with none of the gateway in the way. It runs
 * in the harness process, which is idle during this run.
 *
 * @example
 * ```ts
 * const r = await runEchoLoad({ port: 18583, concurrency: 8, warmupMs: 2000, measureMs: 10000 });
 * console.log(r.measured / (r.measureMs / 1000), 'echoes/s');
 * ```
 */
export async function runEchoLoad(plan: { port: number; concurrency: number; warmupMs: number; measureMs: number }): Promise<EchoResult> {
  const packager = new IsoPackager(ASCII_DIALECT);
  const socket = net.connect({ host: '127.0.0.1', port: plan.port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const waiting = new Map<string, (mti: string) => void>();
  const decoder = new FrameDecoder();
  let linkError: string | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const bytes of decoder.push(chunk)) {
      const answer = packager.unpack(bytes);
      const stan = answer.fields.get(11) ?? '';
      const resolve = waiting.get(stan);
      waiting.delete(stan);
      resolve?.(answer.mti);
    }
  });
  socket.on('error', (error) => {
    linkError = error.message;
  });
  const started = performance.now();
  const measureStart = started + plan.warmupMs;
  const measureEnd = measureStart + plan.measureMs;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let stan = 0;
  let answered = 0;
  let errors = 0;
  const fail = (message: string): void => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(message);
  };
  const echo = (): Promise<string> => {
    stan = (stan % 999_999) + 1;
    const key = String(stan).padStart(6, '0');
    const transmitted = new Date().toISOString().replace(/\D/g, '').slice(4, 14);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(key);
        reject(new Error(`echo STAN ${key} not answered within 5 s${linkError === undefined ? '' : ` (${linkError})`}`));
      }, 5000);
      waiting.set(key, (mti) => {
        clearTimeout(timer);
        resolve(mti);
      });
      socket.write(frame(packager.pack(isoMessage('0800', { 7: transmitted, 11: key, 70: '301' }))));
    });
  };
  const client = async (): Promise<void> => {
    while (performance.now() < measureEnd) {
      const t0 = performance.now();
      try {
        const mti = await echo();
        const t1 = performance.now();
        if (mti !== '0810') fail(`echo answered with MTI ${mti}`);
        else {
          answered++;
          if (t1 >= measureStart && t1 <= measureEnd) latencies.push(t1 - t0);
        }
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.concurrency }, () => client()));
  } finally {
    socket.destroy();
  }
  latencies.sort((a, b) => a - b);
  return {
    measured: latencies.length,
    measureMs: plan.measureMs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    answered,
    errors,
    errorSamples,
  };
}
