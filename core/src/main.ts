#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError, TenderConfig, loadConfig } from './config/config';
import { ThemeFileError } from './pages/theme-files';
import { createDatabase } from './db/database';
import { migrateToLatest } from './db/migrator';
import { migratePlugins } from './db/plugin-migrator';
import { loadPluginModules } from './plugins/plugin-loader';
import { Gateway } from './gateway';
import { ensureDemoMerchant } from './bootstrap/demo-merchant';
import { TenderError } from './errors/tender-error';
import { CliCommand, UsageError } from './cli/cli-command';
import { pluginCommands } from './cli/plugin-commands';
import { OPERATOR_USAGE, operatorCommand } from './cli/operator.command';
import { ensureDemoWebAccounts } from './bootstrap/demo-web-accounts';
import { CONFIG_USAGE, ConfigUsageError, configCommand } from './cli/config.command';
import { listenProbes } from './observability/probe-server';

const USAGE = `usage: tender <command>

commands:
  start      migrate the database and serve the gateway (default)
  worker     run only background jobs (webhook and e-mail dispatch, reconciler), no API
             (TENDER_WORKER_METRICS_PORT: /healthz, /readyz and /metrics on that port)
  migrate    migrate the database and exit
  operator   operator console accounts (add, link, list); see docs/dashboard.md
  config     config check [--connect]: every problem in the configuration, by variable
  help       show this text

Configuration comes from the environment; see docs/configuration.md.`;

async function start(config: TenderConfig): Promise<void> {
  const gateway = await Gateway.create(config);
  // Signals are handled from the moment the gateway exists: the demo bootstrap below
  // hashes passwords (slow scrypt), and a stop that arrives meanwhile must still be graceful.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      gateway.logger.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    gateway.close().then(
      () => {
        gateway.logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        gateway.logger.error({ error: String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const address = await gateway.listen();
  const out: string[] = [];
  out.push(
    `Tender is listening on ${config.certificates.tlsCertFile === undefined ? 'http' : 'https'}://${address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address}:${address.port} (public URL ${config.publicUrl})`,
  );
  out.push(`database: ${config.database.client === 'sqlite' ? `SQLite ${config.database.filename}` : 'MySQL/MariaDB'}`);
  if (gateway.masterKeySource !== 'config') {
    out.push('');
    out.push('WARNING: TENDER_MASTER_KEY is not set. Card data is encrypted under a key kept in');
    out.push(
      `WARNING: ${config.dataDir}/master.key${gateway.masterKeySource === 'new-file' ? ' (just generated)' : ''}. Back it up: without it stored cards cannot be read.`,
    );
    out.push('WARNING: Set TENDER_MASTER_KEY (openssl rand -base64 32) for anything but a local trial.');
  }
  if (gateway.adminToken.generatedFile !== undefined) {
    out.push('');
    out.push(`Operator token (TENDER_ADMIN_TOKEN, kept in ${gateway.adminToken.generatedFile}):`);
    out.push(`  ${gateway.adminToken.value}`);
  }
  if (config.createDemoMerchant) {
    const demo = await ensureDemoMerchant(gateway);
    if (demo !== undefined) {
      out.push('');
      out.push('A demo merchant was created in test mode (also saved in ' + demo.file + '):');
      out.push(`  test secret key: ${demo.testSecretKey}`);
      out.push(`  ready payment:   ${demo.paymentId} (1500.00 RUB)`);
      out.push(`  payment page:    ${demo.paymentUrl}`);
      out.push('Pay it with a sandbox test card:');
      out.push(`  curl -s ${config.publicUrl}/v1/payments/${demo.paymentId}/confirm \\`);
      out.push(`    -H 'Authorization: Bearer ${demo.testSecretKey}' -H 'Content-Type: application/json' \\`);
      out.push(`    -d '{"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123"}}}'`);
    }
    // Sign-ins only where something serves them: API only (no @tender/dashboard) prints none.
    const web = config.plugins.includes('@tender/dashboard') ? await ensureDemoWebAccounts(gateway) : undefined;
    if (web !== undefined) {
      out.push('');
      out.push(`Demo sign-ins (saved in ${web.file}):`);
      out.push(`  dashboard: ${config.publicUrl}/dashboard  ${web.dashboard.email} / ${web.dashboard.password}`);
      out.push(`  console:   ${config.publicUrl}/console  ${web.console.email} / ${web.console.password}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function worker(config: TenderConfig): Promise<void> {
  const gateway = await Gateway.create(config);
  gateway.startBackgroundJobs({ worker: true });
  // No API, but its counters (webhooks, e-mails, reconciler) and readiness can be scraped.
  const probes = config.workerMetricsPort === undefined ? undefined : await listenProbes(gateway.container, config.workerMetricsPort, config.host);
  process.stdout.write(
    `Tender worker running (webhook and e-mail dispatch${config.reconcileIntervalMs > 0 ? ', reconciler' : ''})${probes === undefined ? '' : `; probes and metrics on http://${probes.address.address}:${probes.address.port}`}\n`,
  );
  const stop = (): void => {
    probes?.server.close();
    probes?.server.closeAllConnections();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The loops' timers do not keep the process alive; this does, until a signal.
  setInterval(() => undefined, 1 << 30);
}

async function migrate(config: TenderConfig): Promise<void> {
  // The plugins in TENDER_PLUGINS bring their own tables (docs/plugins.md).
  const plugins = loadPluginModules(config.plugins);
  const db = createDatabase(config.database);
  try {
    await migrateToLatest(db);
    await migratePlugins(db, plugins);
    process.stdout.write('database is up to date\n');
  } finally {
    await db.destroy();
  }
}

async function main(argv: string[]): Promise<void> {
  const command = argv[0] ?? 'start';
  if (command === 'help' || command === '--help' || command === '-h') {
    // Plugins' commands (e.g. `ca`, `certs` of @tender/plugin-accounts) are listed when their packages load.
    const extra = (() => {
      try {
        return pluginCommands(loadConfig().plugins);
      } catch {
        return [];
      }
    })();
    process.stdout.write(
      `${USAGE}${extra.length === 0 ? '' : `\n\nplugin commands:\n${extra.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}`}\n`,
    );
    return;
  }
  if (command === 'config') {
    // Before loadConfig: a configuration that does not load is what this command explains.
    try {
      process.exitCode = await configCommand(argv.slice(1), process.env, process.stdout, process.cwd());
    } catch (error) {
      if (!(error instanceof ConfigUsageError)) throw error;
      process.stderr.write(`tender config: ${error.message}\n\nusage:\n${CONFIG_USAGE}\n`);
      process.exitCode = 2;
    }
    return;
  }
  const config = loadConfig();
  if (command === 'start') return start(config);
  if (command === 'migrate') return migrate(config);
  if (command === 'worker') return worker(config);
  const builtIn: CliCommand = { name: 'operator', summary: '', usage: OPERATOR_USAGE, run: operatorCommand };
  const found = command === 'operator' ? builtIn : pluginCommands(config.plugins).find((c) => c.name === command);
  if (found !== undefined) {
    try {
      process.exitCode = await found.run(config, argv.slice(1), process.stdout);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (error instanceof TenderError || (error as { name?: unknown }).name === 'TenderError') {
        process.stderr.write(`tender ${command}: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } else if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
        process.stderr.write(`tender ${command}: ${(error as Error).message}\n\nusage:\n${found.usage}\n`);
        process.exitCode = 2;
      } else {
        throw error;
      }
    }
    return;
  }
  process.stderr.write(`unknown command '${command}'\n\n${USAGE}\n`);
  process.exitCode = 2;
}

// A reader of our stdout that went away (EPIPE) must not crash or stall the gateway;
// the logs handle it in logging/stdout-destination.ts, the start banner here.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `tender: ${error instanceof ConfigError || error instanceof ThemeFileError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
