import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../bench-database';
import { LoadResult } from '../load/load-protocol';
import { processCpuSeconds } from '../server-process';
import { RunObserver, measurePayments } from './payment-run';
import { BenchRun, BenchScenario, ScenarioContext, ScenarioRow } from './scenario';

const run = promisify(execFile);
const TITLE = 'Galera (3-node cluster on this machine)';
const CONCURRENCY = 8;
/** The cluster script of issue 24 item 1, relative to the repository root. */
const CLUSTER_SCRIPT = path.join(REPO_ROOT, 'test', 'galera', 'cluster.sh');
const PROVIDER = process.env.GALERA_PROVIDER ?? '/usr/lib/galera/libgalera_smm.so';

/**
 * The scenario's own throwaway cluster (`test/galera/cluster.sh`), started when its
 * first run needs it and stopped after the last, on GALERA_BASE_PORT =
 * BENCH_GALERA_BASE_PORT (default 4710), whose ports never meet those of the cluster tests (4310).
 */
class Cluster {
  private started: Promise<readonly string[]> | undefined;
  private readonly dir: string;

  constructor(
    private readonly basePort: number,
    private readonly log: (line: string) => void,
  ) {
    this.dir = process.env.GALERA_DIR ?? `/tmp/tender-bench-galera-${basePort}`;
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, GALERA_BASE_PORT: String(this.basePort), GALERA_DIR: this.dir };
  }

  /** The three mariadbd processes' ids (cluster.sh keeps them in node<n>/mariadbd.pid). */
  nodePids(): number[] {
    return [1, 2, 3].map((n) => {
      try {
        return Number(fs.readFileSync(path.join(this.dir, `node${n}`, 'mariadbd.pid'), 'utf8').trim());
      } catch {
        return -1;
      }
    });
  }

  /** The nodes' server URLs (no database), once all three are synced. */
  nodes(): Promise<readonly string[]> {
    this.started ??= (async () => {
      this.log(`  starting a 3-node Galera cluster (GALERA_BASE_PORT=${this.basePort})`);
      // A cluster left behind by an interrupted run would make `start` refuse.
      await run(CLUSTER_SCRIPT, ['stop'], { env: this.env() }).catch(() => undefined);
      const t0 = Date.now();
      const { stdout } = await run(CLUSTER_SCRIPT, ['start'], { env: this.env(), timeout: 600_000 });
      const ports = stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^\d+$/.test(l));
      if (ports.length !== 3) throw new Error(`cluster.sh start printed ${JSON.stringify(stdout.slice(-300))}, not three ports`);
      this.log(`  cluster synced in ${((Date.now() - t0) / 1000).toFixed(0)} s: ports ${ports.join(', ')}`);
      return ports.map((p) => `mysql://root@127.0.0.1:${p}`);
    })();
    return this.started;
  }

  async stop(): Promise<void> {
    if (this.started === undefined) return;
    this.started = undefined;
    await run(CLUSTER_SCRIPT, ['stop'], { env: this.env(), timeout: 180_000 }).catch((error: unknown) =>
      this.log(`  cluster.sh stop failed: ${String(error)}`),
    );
  }
}

/**
 * CPU milliseconds each node spent per payment over the load: the nodes serve only this
 * run, so unlike the shared standalone server their CPU is the payments' alone.
 */
class NodeCpuWatch implements RunObserver {
  private readonly before: (number | undefined)[];

  constructor(private readonly pids: readonly number[]) {
    this.before = pids.map(processCpuSeconds);
  }

  finish(result: LoadResult): Promise<Partial<ScenarioRow>> {
    const done = result.totals.completed2xx;
    const perUnit = this.pids.map((pid, i) => {
      const [a, b] = [this.before[i], processCpuSeconds(pid)];
      return a === undefined || b === undefined || done === 0 ? 0 : Math.round(((b - a) * 1000 * 100) / done) / 100;
    });
    return Promise.resolve({ databaseCpuMsPerUnit: perUnit });
  }
}

/**
 * Scenario 12: card payments at c=8 with one gateway on the standalone server (for
 * context), then one gateway on node 1 of a 3-node Galera cluster, then two gateways
 * on nodes 1 and 2 with requests round-robin (a payment's create and confirm usually
 * land on different nodes, so every confirm reads what the other node committed).
 * The cost of Galera is two gateways on two nodes against one gateway on one node,
 * run just before. All three mariadbd, both gateways and the load share this machine's cores.
 */
export const galeraScenario: BenchScenario = {
  number: 12,
  id: 'galera',
  title: TITLE,
  unavailable: () =>
    !fs.existsSync(CLUSTER_SCRIPT)
      ? 'needs test/galera/cluster.sh (issue 24 item 1)'
      : !fs.existsSync(PROVIDER)
        ? `no Galera provider at ${PROVIDER} (apt-get install galera-4 rsync)`
        : undefined,
  plan(ctx: ScenarioContext): BenchRun[] {
    const cluster = new Cluster(ctx.config.galeraBasePort, (line) => ctx.log(line));
    const spec = { number: 12, scenario: 'galera', title: TITLE, server: 'gateway' as const, concurrency: CONCURRENCY, historyPayments: 0 };
    const onCluster = (gateways: number, last: boolean): BenchRun => {
      const variant = gateways === 1 ? `1 gateway on 1 node, c=${CONCURRENCY}` : `${gateways} gateways on ${gateways} nodes, c=${CONCURRENCY}`;
      return {
        variant,
        measure: async (): Promise<ScenarioRow> => {
          try {
            const nodes = await cluster.nodes();
            const used = nodes.slice(0, gateways);
            const row = await measurePayments(ctx, {
              ...spec,
              variant,
              processes: gateways,
              mysqlUrl: used[0],
              gatewayServers: used,
              observe: () => new NodeCpuWatch(cluster.nodePids()),
            });
            return { ...row, clusterNodes: gateways };
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            ctx.log(`  galera ${variant}: FAILED: ${message}`);
            return { ...spec, variant, processes: gateways, clusterNodes: gateways, status: 'failed', note: message.split('\n')[0] ?? message };
          } finally {
            if (last) await cluster.stop();
          }
        },
      };
    };
    const variant = `1 gateway, standalone server, c=${CONCURRENCY}`;
    return [{ variant, measure: () => measurePayments(ctx, { ...spec, variant, processes: 1 }) }, onCluster(1, false), onCluster(2, true)];
  },
};
