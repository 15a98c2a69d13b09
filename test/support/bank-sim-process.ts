import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ReceivedAuthorization } from '@tender/adapter-iso8583';

const CLI = path.resolve(__dirname, '../../../adapters/iso8583/dist/simulator/cli.js');

export interface SimAccount {
  available: number;
  held: number;
  charged: number;
}

export interface SimState {
  accounts: Record<string, SimAccount>;
  stats: { received: number; answered: number; malformed: number; byMti: Record<string, number> };
  /** Card authorizations and purchases received, with their card-on-file facts (never a PAN or CVV2). */
  authorizations: ReceivedAuthorization[];
}

/**
 * `tender-bank-sim` in its own process over real TCP on loopback, with its ledger
 * in a state file so it can be killed (SIGKILL) and started again on the same port.
 */
export class BankSimProcess {
  private child: ChildProcess | undefined;
  private controlPort = 0;
  readonly stateFile: string;
  private readonly dir: string;

  private constructor(
    readonly port: number,
    private readonly dialect: string,
    private readonly extraArgs: readonly string[],
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-bank-sim-'));
    this.stateFile = path.join(this.dir, 'state.json');
  }

  /** `extraArgs`: more CLI options, e.g. `--zmk HEX`, `--tls-cert FILE --tls-key FILE`. */
  static async start(dialect = 'iso8583-1987-ascii', extraArgs: readonly string[] = []): Promise<BankSimProcess> {
    const sim = new BankSimProcess(await freePort(), dialect, extraArgs);
    await sim.spawn();
    return sim;
  }

  async spawn(): Promise<void> {
    const child = spawn(
      process.execPath,
      [CLI, '--port', String(this.port), '--control-port', '0', '--state', this.stateFile, '--dialect', this.dialect, ...this.extraArgs],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.child = child;
    const line = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout });
      rl.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`tender-bank-sim exited with ${String(code)}`)));
    });
    this.controlPort = (JSON.parse(line) as { controlPort: number }).controlPort;
  }

  /** Kills the simulator without letting it say goodbye, as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async faults(patch: Record<string, number>): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.controlPort}/faults`, { method: 'POST', body: JSON.stringify(patch) });
    if (!res.ok) throw new Error(`faults: ${res.status}`);
  }

  async state(): Promise<SimState> {
    const res = await fetch(`http://127.0.0.1:${this.controlPort}/state`);
    return (await res.json()) as SimState;
  }

  async charged(pan: string): Promise<number> {
    return (await this.state()).accounts[pan]?.charged ?? 0;
  }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
