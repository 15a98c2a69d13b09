import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { BenchDatabase, REPO_ROOT } from '../bench-database';
import { GatewaySecrets, createMerchant, newGatewaySecrets, startGateway } from '../gateway-process';
import { runLoad } from '../load/load-client';
import { ServerProcess } from '../server-process';
import { loadFigures } from './payment-run';
import { BenchRun, BenchScenario, ScenarioContext, ScenarioRow, bestCardConcurrency } from './scenario';

const TITLE = 'hosted page (GET, branded)';
const MiB = 1024 * 1024;

/** The branding of docs/branding.md's example: colours, font, button style and custom CSS, so the page renders all of it. */
const BRANDING = {
  logo_url: 'https://shop.example/logo.png',
  primary_color: '#0a7d32',
  background_color: '#f5f5f0',
  text_color: '#1d1d1b',
  font: 'serif',
  button_style: 'pill',
  custom_css: '.order-description { font-style: italic; }',
};

/** One gateway with a branded merchant and one payment whose page the load GETs; shared by both rows. */
interface PageSetup {
  readonly db: BenchDatabase;
  readonly gateway: ServerProcess;
  readonly pagePath: string;
  readonly htmlFile: string;
  readonly pageBytes: number;
}

async function call(url: string, secrets: GatewaySecrets | string, method: 'POST' | 'PUT', body: unknown): Promise<Record<string, unknown>> {
  const token = typeof secrets === 'string' ? secrets : secrets.adminToken;
  const response = await request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${new URL(url).pathname}: HTTP ${response.statusCode} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function setUp(ctx: ScenarioContext): Promise<PageSetup> {
  const db = await BenchDatabase.create(ctx.config.mysqlUrl, 'hosted-page');
  let gateway: ServerProcess | undefined;
  try {
    const secrets = newGatewaySecrets();
    gateway = await startGateway('gateway1', db.url, secrets, ctx.config);
    const merchant = await createMerchant(gateway.url, secrets);
    await call(`${gateway.url}/v1/branding`, merchant.secretKey, 'PUT', BRANDING);
    const payment = await call(`${gateway.url}/v1/payments`, merchant.secretKey, 'POST', {
      amount: 150000,
      currency: 'RUB',
      order_id: 'bench-hosted-page-1',
      description: 'benchmark order',
    });
    const pagePath = new URL(String(payment.payment_url)).pathname;
    const page = await request(`${gateway.url}${pagePath}`);
    const html = await page.body.text();
    if (page.statusCode !== 200 || !html.includes('</html>')) throw new Error(`GET ${pagePath}: HTTP ${page.statusCode} ${html.slice(0, 300)}`);
    const htmlFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tender-bench-page-')), 'page.html');
    fs.writeFileSync(htmlFile, html);
    return { db, gateway, pagePath, htmlFile, pageBytes: Buffer.byteLength(html) };
  } catch (error) {
    await gateway?.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw error;
  }
}

/** Page views against `server` at `path` (warm-up + measured), as one row. */
async function measurePageViews(
  ctx: ScenarioContext,
  server: ServerProcess,
  pagePath: string,
  variant: string,
  concurrency: number,
  note: string,
): Promise<ScenarioRow> {
  const result = await runLoad(
    {
      workload: 'page-view',
      targets: [server.url],
      secretKeys: [],
      concurrency,
      warmupMs: ctx.config.warmupS * 1000,
      measureMs: ctx.config.measureS * 1000,
      orderPrefix: '',
      path: pagePath,
    },
    ctx.progress(`hosted-page ${variant}`),
  );
  const ok = result.totals.errors === 0 && result.totals.completed2xx === result.totals.created2xx;
  return {
    number: 3,
    scenario: 'hosted-page',
    title: TITLE,
    variant,
    concurrency,
    processes: 1,
    unit: 'page',
    note,
    ...loadFigures(result),
    peakRssMiB: [Math.round((server.peakRssBytes() ?? 0) / MiB)],
    loadAvg1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    correctness: { ok, detail: `${result.totals.completed2xx} of ${result.totals.created2xx} answers were 200 with a whole HTML document` },
  };
}

/**
 * Scenario 3: GET of the payment page of a branded merchant (the render cost), at
 * scenario 1's best concurrency. Its baseline, run right before on the same
 * machine: the floor server sending the very same HTML (captured from the
 * gateway) as a static response: express with no template, database or headers work.
 */
export const hostedPageScenario: BenchScenario = {
  number: 3,
  id: 'hosted-page',
  title: TITLE,
  unavailable: () => undefined,
  plan(ctx) {
    const concurrency = bestCardConcurrency(ctx);
    let setup: Promise<PageSetup> | undefined;
    const failed = (variant: string, error: unknown): ScenarioRow => {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log(`  hosted-page ${variant}: FAILED: ${message}`);
      return { number: 3, scenario: 'hosted-page', title: TITLE, variant, status: 'failed', note: message.split('\n')[0] ?? message };
    };
    const baseline: BenchRun = {
      variant: `floor, same HTML static, c=${concurrency}`,
      async measure() {
        let floor: ServerProcess | undefined;
        try {
          setup = setUp(ctx);
          const s = await setup;
          floor = await ServerProcess.start('floor', {
            script: path.join(__dirname, '..', 'floor-server.js'),
            cwd: REPO_ROOT,
            env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: s.db.url, PORT: '0', FLOOR_STATIC_HTML: s.htmlFile },
            readyPattern: /floor listening on http:\/\/[^:\s]+:(\d+)/,
          });
          return await measurePageViews(ctx, floor, '/static-page', this.variant, concurrency, `${s.pageBytes} bytes of HTML`);
        } catch (error) {
          return failed(this.variant, error);
        } finally {
          await floor?.stop().catch(() => undefined);
        }
      },
    };
    const gatewayPage: BenchRun = {
      variant: `gateway GET /pay/:token, c=${concurrency}`,
      async measure() {
        let s: PageSetup | undefined;
        try {
          s = await (setup ?? (setup = setUp(ctx)));
          return await measurePageViews(ctx, s.gateway, s.pagePath, this.variant, concurrency, `${s.pageBytes} bytes of HTML`);
        } catch (error) {
          return failed(this.variant, error);
        } finally {
          await s?.gateway.stop().catch(() => undefined);
          await s?.db.drop().catch(() => undefined);
        }
      },
    };
    return [baseline, gatewayPage];
  },
};
