import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';

const run = promisify(execFile);

/** test/galera/cluster.sh, from test/dist/galera/. */
export const CLUSTER_SCRIPT = path.resolve(__dirname, '..', '..', 'galera', 'cluster.sh');
export const GALERA_BASE_PORT = Number(process.env.GALERA_BASE_PORT ?? 4310);

/** The SQL port of node `n` (1..3), as cluster.sh places them. */
export function nodePort(n: 1 | 2 | 3): number {
  return GALERA_BASE_PORT + n;
}

/** Runs `cluster.sh <args>` and returns its stdout; throws with its stderr on failure. */
export async function cluster(...args: string[]): Promise<string> {
  const { stdout } = await run(CLUSTER_SCRIPT, args, { env: { ...process.env, GALERA_BASE_PORT: String(GALERA_BASE_PORT) }, timeout: 300_000 });
  return stdout;
}

/** True when all three nodes are up and Synced. */
export async function clusterSynced(): Promise<boolean> {
  try {
    await cluster('status');
    return true;
  } catch {
    return false;
  }
}

/** One answer of the merchant API: status and parsed JSON body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: { id?: string; status?: string; error?: { code?: string } } & Record<string, unknown>;
}

/** POST to a gateway with the merchant's key; network errors come back as status 0. */
export async function post(baseUrl: string, key: string, pathname: string, body: unknown): Promise<ApiAnswer> {
  try {
    const res = await request(`${baseUrl}${pathname}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text === '' ? {} : (JSON.parse(text) as ApiAnswer['body']) };
  } catch (error) {
    return { status: 0, body: { error: { code: error instanceof Error ? error.message : String(error) } } };
  }
}

/** Sums `tender_bank_calls_total` of one gateway's /metrics by "operation/outcome". */
export async function bankCalls(baseUrl: string): Promise<Map<string, number>> {
  const res = await request(`${baseUrl}/metrics`);
  const text = await res.body.text();
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^tender_bank_calls_total\{([^}]*)\} (\d+)/.exec(line);
    if (match === null) continue;
    const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const key = `${labels.operation}/${labels.outcome}`;
    sums.set(key, (sums.get(key) ?? 0) + Number(match[2]));
  }
  return sums;
}

/** Runs `task` over `items` with at most `concurrency` at once. */
export async function inPool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
