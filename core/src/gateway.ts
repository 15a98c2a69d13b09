import 'reflect-metadata';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { Express } from 'express';
import { DependencyContainer, container as rootContainer } from 'tsyringe';
import { CLOCK, Clock, SystemClock } from './clock/clock';
import { TenderConfig } from './config/config';
import { ADMIN_TOKEN, CONFIG } from './config/tokens';
import { generateAdminToken, generateMasterKey, readOrCreateSecret } from './config/local-secrets';
import { DATABASE, Database, createDatabase } from './db/database';
import { migrateToLatest } from './db/migrator';
import { migratePlugins } from './db/plugin-migrator';
import { LOGGER, Logger, createLogger } from './logging/logger';
import { KEY_RING, KeyRing } from './vault/key-ring';
import { BankAdapter } from './banks/bank-adapter';

import { BankRegistry } from './banks/bank-registry';
import { PAYMENT_METHOD, PaymentMethod } from './methods/payment-method';
import { PaymentMethodRegistry } from './methods/payment-method.registry';
import { CardPaymentMethod } from './methods/card/card.method';
import { CardTokenPaymentMethod } from './elements/card-token.method';
import { ELEMENTS_SINGLETONS } from './elements/elements.module';
import { BackgroundJob, PluginError, TenderPlugin } from './plugins/plugin';
import { checkPlugin, checkPluginSet, loadPluginModules } from './plugins/plugin-loader';
import { resolvePluginOptions, unclaimedSettings } from './plugins/plugin-options';
import { PluginHost } from './plugins/plugin-host';
import { toExtraRoutes } from './plugins/plugin-routes';
import { makeStrict } from './plugins/strict-container';
import { registerCoreClasses } from './plugins/core-classes';
import { createApp } from './http/app';
import { PaymentService } from './payments/payment.service';
import { MethodRouting } from './payments/method-routing';
import { ConfirmPreparation } from './payments/confirm-preparation';
import { BankReconciler } from './payments/bank-reconciler';
import { AwaitedPaymentSettler } from './payments/awaited-payment-settler';
import { ConnectionHealth } from './routing/connection-health';
import { BREAKER_REFRESH_MS, SharedBreakers } from './routing/shared-breakers';
import { RateCounter } from './attempts/rate-counter';
import { registerRouting } from './routing/routing.module';
import { RoutingStrategyRegistry } from './routing/routing-strategy.registry';
import { RefundService } from './refunds/refund.service';
import { IdempotencyService } from './idempotency/idempotency.service';
import { MerchantService } from './merchants/merchant.service';
import { ApiKeyService } from './merchants/api-keys';
import { ONBOARDING_SERVICES, registerOnboarding } from './merchants/onboarding-registration';
import { createGatewayServer, startCertificateAuthentication } from './certificates/gateway-server';
import { MONITORING_SINGLETONS, registerMonitoring } from './monitoring/register-monitoring';
import { RiskRuleRegistry } from './monitoring/risk-rule.registry';
import { EVENT_LISTENER, EventListener } from './notifications/event-listener';
import { WebhookDispatcher } from './notifications/webhooks/webhook-dispatcher';
import { EmailNotifier } from './notifications/email/email-notifier';
import { EmailDispatcher } from './notifications/email/email-dispatcher';
import { JobScheduler } from './scheduling/job-scheduler';
import { coreJobs } from './scheduling/core-jobs';
import { HOSTED_PAGE_SINGLETONS } from './pages/hosted-page.module';
import { PageTheme } from './pages/page-theme';
import { RETURN_URL_CHOOSER, ReturnUrlChooser, ReturnUrlChoosers } from './pages/return-url-chooser';
import { registerOutbound } from './outbound/outbound.module';
import { OutboundResolver } from './outbound/outbound-resolver';
import { GatewaySelf } from './outbound/gateway-self';
import { registerObservability } from './observability/observability.module';

export interface GatewayOptions {
  /** Plugins (made with definePlugin) to use instead of loading config.plugins by package name (tests, embedding); options still come from config.pluginSettings. */
  readonly plugins?: readonly TenderPlugin[];
  readonly clock?: Clock;
  /** Where log lines go (default stdout). */
  readonly logStream?: NodeJS.WritableStream;
  /** How the outbound client resolves host names (tests: a rebinding resolver); default the system's. */
  readonly resolver?: OutboundResolver;
}

/** Services that hold state for the gateway's lifetime (registries) or are worth building once. */
const SINGLETONS = [
  ConnectionHealth,
  PaymentMethodRegistry,
  MethodRouting,
  ConfirmPreparation,
  PaymentService,
  RefundService,
  BankReconciler,
  AwaitedPaymentSettler,
  IdempotencyService,
  MerchantService,
  ApiKeyService,
  WebhookDispatcher,
  EmailDispatcher,
  JobScheduler,
  SharedBreakers,
  RateCounter,
  ...MONITORING_SINGLETONS,
  ...HOSTED_PAGE_SINGLETONS,
  ...ELEMENTS_SINGLETONS,
] as const;

/**
 * One gateway: configuration, database, container, plugins and the HTTP app.
 * `Gateway.create` migrates and wires everything; `listen` serves; `close` stops
 * background work, finishes in-flight requests and closes the pool.
 *
 * @example
 * ```ts
 * const gateway = await Gateway.create(loadConfig());
 * await gateway.listen();
 * process.on('SIGTERM', () => gateway.close());
 * ```
 */
export class Gateway {
  private server: http.Server | https.Server | undefined;
  private jobs: BackgroundJob[] = [];
  private closing: Promise<void> | undefined;

  private constructor(
    readonly config: TenderConfig,
    readonly container: DependencyContainer,
    readonly db: Database,
    readonly logger: Logger,
    readonly app: Express,
    readonly adminToken: { value: string; generatedFile: string | undefined },
    readonly masterKeySource: 'config' | 'file' | 'new-file',
    private readonly plugins: PluginHost,
  ) {}

  private get adapters(): readonly BankAdapter[] {
    return this.plugins.adapters;
  }

  static async create(config: TenderConfig, options: GatewayOptions = {}): Promise<Gateway> {
    const logger = createLogger(config.logLevel, options.logStream);
    const plugins =
      options.plugins === undefined ? loadPluginModules(config.plugins) : options.plugins.map((p) => checkPlugin(p, String((p as { name?: unknown }).name)));
    checkPluginSet(plugins);
    // Every plugin's options are checked before the database is touched.
    const unclaimed = unclaimedSettings(plugins, config.pluginSettings);
    if (unclaimed.length > 0) throw new PluginError(`plugin options that no loaded plugin takes:\n  ${unclaimed.join('\n  ')}`);
    const pluginOptions = new Map(plugins.map((p) => [p, resolvePluginOptions(p, config.pluginSettings)] as const));
    for (const d of config.pluginSettings.deprecated)
      logger.warn({ variable: d.used, instead: d.instead }, 'deprecated plugin variable: set the new name instead');
    // Merchant e-mails come from a no-reply sender: without a support address they name no one to contact.
    if (config.notifications.smtpUrl !== undefined && config.notifications.supportEmail === undefined)
      logger.warn('TENDER_SUPPORT_EMAIL is not set: merchant e-mails carry no support contact and no Reply-To');
    const master = resolveMasterKey(config);
    const admin =
      config.adminToken !== undefined
        ? { value: config.adminToken, generatedFile: undefined }
        : (() => {
            const s = readOrCreateSecret(config.dataDir, 'admin-token', generateAdminToken);
            return { value: s.value, generatedFile: s.file };
          })();
    const db = createDatabase(config.database, { poolMax: config.dbPoolMax, causalReads: config.dbCausalReads });
    try {
      await migrateToLatest(db);
      await migratePlugins(db, plugins);
    } catch (error) {
      await db.destroy();
      throw error;
    }

    // Strict: a class nobody registered is an error, not a silent new instance (plugins/strict-container.ts).
    const container = makeStrict(rootContainer.createChildContainer());
    container.register(CONFIG, { useValue: config });
    container.register(CLOCK, { useValue: options.clock ?? new SystemClock() });
    container.register(DATABASE, { useValue: db });
    container.register(LOGGER, { useValue: logger });
    container.register(KEY_RING, { useValue: new KeyRing(master.value, config.previousMasterKeys) });
    container.register(ADMIN_TOKEN, { useValue: admin.value });
    container.register<PaymentMethod>(PAYMENT_METHOD, { useClass: CardPaymentMethod });
    container.register<PaymentMethod>(PAYMENT_METHOD, { useClass: CardTokenPaymentMethod });
    registerOnboarding(container);
    registerMonitoring(container);
    registerRouting(container);
    registerOutbound(container, config, options.resolver);
    // Runs in the transaction of every event: e-mail queueing (webhooks fan out at dispatch: WebhookFanout).
    container.register<EventListener>(EVENT_LISTENER, { useClass: EmailNotifier });
    // Core is complete before any plugin runs: plugins get its services, never a lazy stand-in.
    for (const cls of [...SINGLETONS, ...ONBOARDING_SERVICES]) container.registerSingleton(cls as never);
    registerCoreClasses(container);
    registerObservability(container, config, plugins);

    // The theme (the operator's over the default, file by file) is read and compiled before anything
    // uses it: a missing or broken file stops the start with its name, not a dependency-injection trace.
    try {
      container.resolve(PageTheme);
    } catch (error) {
      await db.destroy();
      throw error;
    }

    const host = new PluginHost(container, logger);
    try {
      await host.register(plugins, (p) => pluginOptions.get(p) ?? {});
      // An instance without any bank adapter still starts (the operator may be setting up),
      // but says so; payments then fail with no_bank_connection.
      if (host.adapters.length === 0) logger.warn('no bank adapter is registered: payments cannot be confirmed (check TENDER_PLUGINS)');
      container.register(BankRegistry, { useValue: new BankRegistry(host.adapters) });
      container.register(ReturnUrlChoosers, {
        useValue: new ReturnUrlChoosers(container.isRegistered(RETURN_URL_CHOOSER) ? container.resolveAll<ReturnUrlChooser>(RETURN_URL_CHOOSER) : []),
      });
      // Resolve the registries now: duplicate or missing codes fail the start, not a payment.
      container.resolve(BankRegistry);
      container.resolve(PaymentMethodRegistry);
      container.resolve(RoutingStrategyRegistry);
      startCertificateAuthentication(container);
      container.resolve(RiskRuleRegistry);
      // Breaker transitions go to the database from the first payment on.
      container.resolve(SharedBreakers);
      for (const adapter of host.adapters) await adapter.init?.();
      // The start phase: migrations ran, the container is complete.
      await host.start();
    } catch (error) {
      await host.stop();
      await db.destroy();
      throw error;
    }
    const app = createApp(container, toExtraRoutes(host.routes));
    return new Gateway(config, container, db, logger, app, admin, master.source, host);
  }

  /** Serves HTTP on config.port (0 picks a free port) and starts background jobs. */
  async listen(port = this.config.port, host = this.config.host): Promise<AddressInfo> {
    const server = await createGatewayServer(this.app, this.config, this.container);
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.container.resolve(GatewaySelf).addListener(address);
    this.startBackgroundJobs();
    return address;
  }

  /**
   * The core's background jobs and the plugins', all run by the JobScheduler
   * (docs/schedules.md): the reconciler, awaited payments, the purges, risk-review
   * expiry and the bank-breaker refresh run in one process at a time under a lease in
   * the database; scheduled notices and the webhook and e-mail dispatchers run in every
   * process (they claim their rows themselves). Called by listen, or by `tender worker`
   * with `worker: true`, which runs the dispatchers even when
   * TENDER_WEBHOOK_DISPATCHER=false keeps them out of the serving processes.
   */
  startBackgroundJobs(options: { worker?: boolean } = {}): void {
    if (this.jobs.length === 0) {
      const scheduler = this.container.resolve(JobScheduler);
      // Every process reads the breakers the others changed (docs/operations.md, "Several processes").
      const breakers = this.container.resolve(SharedBreakers);
      this.jobs.push(scheduler.job({ name: 'bank breaker refresh', intervalMs: BREAKER_REFRESH_MS, concurrency: 'parallel', run: () => breakers.refresh() }));
      if (this.config.reconcileIntervalMs > 0) this.jobs.push(...coreJobs(this.container, this.config.reconcileIntervalMs).map((job) => scheduler.job(job)));
      const n = this.config.notifications;
      if (n.dispatcherInGateway || options.worker === true) {
        const webhooks = this.container.resolve(WebhookDispatcher);
        const emails = this.container.resolve(EmailDispatcher);
        this.jobs.push(
          scheduler.job({ name: 'webhook dispatcher', intervalMs: n.pollIntervalMs, concurrency: 'parallel', run: (signal) => webhooks.pump(signal) }),
        );
        this.jobs.push(scheduler.job({ name: 'e-mail dispatcher', intervalMs: n.pollIntervalMs, concurrency: 'parallel', run: () => emails.runOnce() }));
      }
      // Plugin jobs have their own schedules; the core interval only governs the core's jobs.
      this.jobs.push(...this.plugins.jobs);
    }
    for (const job of this.jobs) job.start();
  }

  /** Stops accepting, lets in-flight requests finish, then closes adapters and the pool. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.jobs.map((job) => job.stop()));
      this.container.resolve(EmailDispatcher).close();
      const server = this.server;
      if (server !== undefined) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
      }
      await this.plugins.stop();
      for (const adapter of this.adapters) await adapter.destroy?.();
      await this.db.destroy();
    })();
    return this.closing;
  }
}

function resolveMasterKey(config: TenderConfig): { value: string; source: 'config' | 'file' | 'new-file' } {
  if (config.masterKey !== undefined) return { value: config.masterKey, source: 'config' };
  const secret = readOrCreateSecret(config.dataDir, 'master.key', generateMasterKey);
  return { value: secret.value, source: secret.created ? 'new-file' : 'file' };
}
