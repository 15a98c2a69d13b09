import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector';
import { withDispatchBench } from './dispatch-bench';

/** Events written per round before the dispatcher runs; it takes them 32 at a time, all fresh. */
const EVENTS = Number(process.env.WEBHOOK_DISPATCH_EVENTS ?? '3840');
const ROUNDS = 4;

/**
 * `node bench/dist/webhook-dispatch-cpu.js`: the webhook dispatcher's own CPU per
 * delivery, in process against MariaDB, with the receiver (answering 200 at once,
 * keep-alive) in a process of its own so its work is not counted. Each round writes
 * `EVENTS` events of one merchant with one endpoint, then runs the dispatcher until
 * nothing is left (batches of 32, fresh deliveries: fan-out, POST, group commit) and
 * reads `process.cpuUsage()` around that alone. The first round warms the JIT, the
 * pool and the kept connection. With `WEBHOOK_DISPATCH_PROFILE=<file>` the last
 * round is also profiled (V8 sampling, 100 µs; summarise it with
 * `node bench/dist/profile-summary.js <file>`); the profiler adds its own cost to
 * that round's figures.
 *
 * @example
 * ```sh
 * npm run build && node bench/dist/webhook-dispatch-cpu.js
 * ```
 */
async function main(): Promise<void> {
  const receiver = spawn(
    process.execPath,
    [
      '-e',
      "const s = require('node:http').createServer({ keepAliveTimeout: 5000 }, (q, r) => { q.resume(); q.on('end', () => { r.writeHead(200); r.end('ok'); }); }); s.listen(0, '127.0.0.1', () => console.log(s.address().port));",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<number>((resolve) => receiver.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    await withDispatchBench('dispatch_cpu', `http://127.0.0.1:${port}/hooks`, async ({ dispatcher, write }) => {
      // A payment.captured event the size the gateway writes (its payment object).
      const data = {
        object: { id: 'pay_bench', object: 'payment', amount: 1000, currency: 'RUB', status: 'captured', description: 'x'.repeat(200), metadata: {} },
      };
      const profileTo = process.env.WEBHOOK_DISPATCH_PROFILE;
      const session = new Session();
      session.connect();
      const post = (method: string, params: object = {}): Promise<unknown> =>
        new Promise((resolve, reject) => session.post(method, params, (error, result) => (error === null ? resolve(result) : reject(error))));
      for (let round = 0; round < ROUNDS; round++) {
        for (let written = 0; written < EVENTS; written += 32) await write(32, `r${round}w${written}x`, data);
        const profiled = profileTo !== undefined && round === ROUNDS - 1;
        if (profiled) {
          await post('Profiler.enable');
          await post('Profiler.setSamplingInterval', { interval: 100 });
          await post('Profiler.start');
        }
        const before = process.cpuUsage();
        let delivered = 0;
        let sent: number;
        while ((sent = await dispatcher.runOnce()) > 0) delivered += sent;
        const cpu = process.cpuUsage(before);
        if (profiled) {
          const { profile } = (await post('Profiler.stop')) as { profile: unknown };
          fs.writeFileSync(profileTo, JSON.stringify(profile));
        }
        console.log(
          `round ${round + 1}${round === 0 ? ' (warm-up)' : ''}${profiled ? ' (profiled)' : ''}: ${delivered} deliveries, CPU per delivery: user ${(cpu.user / delivered).toFixed(1)} µs, system ${(cpu.system / delivered).toFixed(1)} µs`,
        );
      }
    });
  } finally {
    receiver.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
