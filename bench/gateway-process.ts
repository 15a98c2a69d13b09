import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { GATEWAY_MAIN, REPO_ROOT } from './bench-database';
import { ServerProcess } from './server-process';
import type { BenchConfig } from './bench-config';

/** Secrets shared by every gateway process of one run (scale-out needs the same master key). */
export interface GatewaySecrets {
  readonly masterKey: string;
  readonly adminToken: string;
}

export function newGatewaySecrets(): GatewaySecrets {
  return { masterKey: randomBytes(32).toString('base64'), adminToken: `bench_admin_${randomBytes(16).toString('hex')}` };
}

/** The run's settings a Tender process of the bench takes: profiling and extra Node flags. */
type BenchRuntime = Pick<BenchConfig, 'profileDir' | 'gatewayNodeArgs'>;

/**
 * Starts `node core/dist/main.js start` as its own process on a loopback port
 * chosen by the OS, exactly as an operator would run it (migrations included),
 * with warn-level logs and no demo merchant.
 */
export function startGateway(
  label: string,
  databaseUrl: string,
  secrets: GatewaySecrets,
  runtime: BenchRuntime = { profileDir: undefined, gatewayNodeArgs: [] },
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  return startTender(label, 'start', databaseUrl, secrets, runtime, { HOST: '127.0.0.1', PORT: '0', ...extraEnv }, /listening on http:\/\/[^:\s]+:(\d+)/);
}

/**
 * Starts `node core/dist/main.js worker`: the background jobs (webhook and e-mail
 * dispatch among them) with no API, as an operator runs it beside gateways that have
 * `TENDER_WEBHOOK_DISPATCHER=false`. Its probes and metrics listen on a loopback port
 * chosen by the OS, which is how the harness knows it is up.
 */
export function startWorker(
  label: string,
  databaseUrl: string,
  secrets: GatewaySecrets,
  runtime: BenchRuntime,
  extraEnv: NodeJS.ProcessEnv,
): Promise<ServerProcess> {
  const env = { HOST: '127.0.0.1', TENDER_WORKER_METRICS_PORT: '0', ...extraEnv };
  return startTender(label, 'worker', databaseUrl, secrets, runtime, env, /probes and metrics on http:\/\/[^:\s]+:(\d+)/);
}

/** One Tender process of the bench (`start` or `worker`), with the run's secrets, warn-level logs and no demo merchant. */
function startTender(
  label: string,
  command: 'start' | 'worker',
  databaseUrl: string,
  secrets: GatewaySecrets,
  runtime: BenchRuntime,
  env: NodeJS.ProcessEnv,
  readyPattern: RegExp,
): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-bench-'));
  const { profileDir, gatewayNodeArgs } = runtime;
  if (profileDir !== undefined) fs.mkdirSync(profileDir, { recursive: true });
  return ServerProcess.start(label, {
    nodeArgs: [
      ...gatewayNodeArgs,
      ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`]),
    ],
    script: GATEWAY_MAIN,
    args: [command],
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      TENDER_LOG_LEVEL: 'warn',
      TENDER_DEMO_MERCHANT: 'false',
      TENDER_MASTER_KEY: secrets.masterKey,
      TENDER_ADMIN_TOKEN: secrets.adminToken,
      TENDER_DATA_DIR: dataDir,
      ...env,
    },
    readyPattern,
  });
}

/** Creates a merchant through the operator API and returns its test secret key. */
export async function createMerchant(gatewayUrl: string, secrets: GatewaySecrets): Promise<{ merchantId: string; secretKey: string }> {
  const response = await request(`${gatewayUrl}/admin/v1/merchants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secrets.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Benchmark shop', email: 'bench@example.com' }),
  });
  const body = (await response.body.json()) as { id?: string; test_secret_key?: string };
  if (response.statusCode !== 201 || body.id === undefined || body.test_secret_key === undefined) {
    throw new Error(`creating the benchmark merchant failed: HTTP ${response.statusCode} ${JSON.stringify(body).slice(0, 300)}`);
  }
  return { merchantId: body.id, secretKey: body.test_secret_key };
}

/**
 * Puts the `velocity` risk rule of the key's merchant and mode in dry run. The risk
 * assessment runs on every confirm, and velocity's default (10 attempts per card
 * per hour) would hold every benchmark payment after the tenth for review, since
 * the load pays with a handful of test cards. The rule is still evaluated (its
 * statements still run), it just does not decide.
 */
export async function velocityInDryRun(gatewayUrl: string, secretKey: string): Promise<void> {
  const response = await request(`${gatewayUrl}/v1/risk/rules`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rules: { velocity: { mode: 'dry_run' } } }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`PUT /v1/risk/rules: HTTP ${response.statusCode} ${text.slice(0, 300)}`);
}
