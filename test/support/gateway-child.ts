import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MAIN = path.resolve(__dirname, '../../../core/dist/main.js');

/**
 * `tender start` (core/dist/main.js) as its own OS process on a loopback port the OS
 * picks, as an operator runs it: for tests of several gateway processes on one
 * database. `kill` sends SIGKILL (a crash: no shutdown code runs), `stop` SIGTERM.
 *
 * @example
 * ```ts
 * const a = await GatewayChild.start({ DATABASE_URL: 'sqlite:/tmp/t.sqlite', TENDER_MASTER_KEY: key });
 * await request(a.url).get('/healthz').expect(200);
 * await a.stop();
 * ```
 */
export class GatewayChild {
  private output = '';
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly dataDir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  static start(env: Record<string, string>): Promise<GatewayChild> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-child-'));
    const child = spawn(process.execPath, [MAIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        TENDER_LOG_LEVEL: 'warn',
        TENDER_DEMO_MERCHANT: 'false',
        TENDER_DATA_DIR: dataDir,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`gateway process did not start:\n${text.slice(-2000)}`));
      }, 60_000);
      const onData = (chunk: Buffer): void => {
        text += chunk.toString();
        const port = /listening on http:\/\/[^:\s]+:(\d+)/.exec(text)?.[1];
        if (port === undefined) return;
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        const started = new GatewayChild(child, `http://127.0.0.1:${port}`, dataDir);
        started.output = text;
        child.stdout?.on('data', (c: Buffer) => started.keep(c));
        child.stderr?.on('data', (c: Buffer) => started.keep(c));
        resolve(started);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway process exited with ${String(code)}:\n${text.slice(-2000)}`));
      });
    });
  }

  /** What the process printed (the last 20 kB), for failure messages. */
  logs(): string {
    return this.output;
  }

  /** A crash: SIGKILL, nothing of the process's shutdown runs. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const force = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(force);
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  private keep(chunk: Buffer): void {
    this.output = (this.output + chunk.toString()).slice(-20_000);
  }
}
