import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';

/**
 * A server the harness runs as its own child process (a gateway or the floor):
 * started with `node`, ready when its stdout names the port it listens on, stopped
 * with SIGTERM. Its peak memory is read from /proc, so it is the server's own
 * high-water mark, not the harness's.
 */
export class ServerProcess {
  private outputTail = '';
  private exited: Promise<number | null>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const keep = (chunk: Buffer): void => {
      this.outputTail = (this.outputTail + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /**
   * Spawns `node <nodeArgs> <script> <args>` and waits until stdout matches
   * `readyPattern`, whose first group is the port.
   */
  static start(
    label: string,
    options: {
      nodeArgs?: readonly string[];
      script: string;
      args?: readonly string[];
      env: NodeJS.ProcessEnv;
      cwd: string;
      readyPattern: RegExp;
      timeoutMs?: number;
    },
  ): Promise<ServerProcess> {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => fail(`${label} did not start within ${options.timeoutMs ?? 120_000} ms`), options.timeoutMs ?? 120_000);
      const fail = (message: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${message}\nstdout: ${out.slice(-1500)}\nstderr: ${err.slice(-1500)}`));
      };
      const onErr = (chunk: Buffer): void => {
        err += chunk.toString();
      };
      const onOut = (chunk: Buffer): void => {
        out += chunk.toString();
        const match = options.readyPattern.exec(out);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          child.stdout?.off('data', onOut);
          child.stderr?.off('data', onErr);
          const server = new ServerProcess(label, child, `http://127.0.0.1:${match[1]}`);
          server.outputTail = err;
          resolve(server);
        }
      };
      child.stdout?.on('data', onOut);
      child.stderr?.on('data', onErr);
      child.once('exit', (code) => fail(`${label} exited with code ${String(code)} before it was ready`));
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Peak resident set size in bytes (VmHWM), or undefined where /proc is not available. */
  peakRssBytes(): number | undefined {
    return this.statusBytes('VmHWM');
  }

  /** Resident set size now (VmRSS), in bytes, or undefined where /proc is not available. */
  rssBytes(): number | undefined {
    return this.statusBytes('VmRSS');
  }

  /** CPU time the process has used so far (user + system), in seconds; see processCpuSeconds. */
  cpuSeconds(): number | undefined {
    return processCpuSeconds(this.pid);
  }

  private statusBytes(field: 'VmHWM' | 'VmRSS'): number | undefined {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
      return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
    } catch {
      return undefined;
    }
  }

  /** What the server wrote lately (its log lines at TENDER_LOG_LEVEL=warn: warnings and errors). */
  get recentOutput(): string {
    return this.outputTail;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * CPU time a process has used so far (user + system), in seconds, from
 * /proc/<pid>/stat (clock ticks of 1/100 s on Linux); undefined where /proc is not
 * available or the process is gone.
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}
