import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildProcessByStdio, spawn } from 'node:child_process';
import { Readable } from 'node:stream';

const MAIN = path.join(__dirname, '..', '..', '..', 'core', 'dist', 'main.js');
/** Far more than a pipe holds (64 KiB on Linux): each request writes a ~180-byte log line. */
const REQUESTS = 2000;

type Gateway = ChildProcessByStdio<null, Readable, null>;

/** `tender start` as a child whose stdout is a pipe to this process, as under a log collector. */
async function startWithPipedStdout(dataDir: string): Promise<{ child: Gateway; base: string }> {
  const child = spawn(process.execPath, [MAIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', TENDER_LOG_LEVEL: 'info', TENDER_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m !== null && out.includes('database:')) {
        child.stdout.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', () => reject(new Error(`tender did not start:\n${out}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

/** Requests that each make the gateway write a log line. */
async function makeLogLines(base: string): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      next += 1;
      await (await fetch(`${base}/v1/payments`)).arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
}

/** Sends SIGTERM and waits for the exit; a process still there after a generous wait is killed and reported. */
async function stop(child: Gateway): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.kill('SIGTERM');
  const stuck = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    return await exited;
  } finally {
    clearTimeout(stuck);
  }
}

describe('SIGTERM stops the gateway when its log reader has gone away', function () {
  this.timeout(90_000);
  let dataDir: string;

  before(() => {
    // The process and its stdout are under test, not the database: the embedded SQLite.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-stop-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('the reader closed its end of the pipe (EPIPE): logging stops, the gateway keeps serving and exits 0 on SIGTERM', async () => {
    const { child, base } = await startWithPipedStdout(dataDir);
    child.stdout.destroy();
    await makeLogLines(base);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.deepEqual(await stop(child), { code: 0, signal: null });
  });

  it('the reader is still there but reads nothing (the pipe is full): the gateway exits 0 on SIGTERM, not only on SIGKILL', async () => {
    const { child, base } = await startWithPipedStdout(dataDir);
    // Paused, this end stops reading once its own buffer is full; the pipe then fills up.
    child.stdout.pause();
    await makeLogLines(base);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.deepEqual(await stop(child), { code: 0, signal: null });
    child.stdout.destroy();
  });
});
