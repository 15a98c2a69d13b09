import { DependencyContainer, InjectionToken } from 'tsyringe';
import { BANK_ADAPTER, BankAdapter } from '../banks/bank-adapter';
import { PAYMENT_METHOD, PaymentMethod } from '../methods/payment-method';
import { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator } from '../certificates/certificate-authenticator';
import { RISK_RULE, RiskRule } from '../monitoring/risk-rule';
import { EVENT_LISTENER, EventListener } from '../notifications/event-listener';
import { RETURN_URL_CHOOSER, ReturnUrlChooser } from '../pages/return-url-chooser';
import { ROUTING_STRATEGY, RoutingStrategyRegistration } from '../routing/routing-strategy';
import { Logger } from '../logging/logger';
import { BackgroundJob, PluginContext, PluginError, PluginLifecycle, ServiceClass, TenderPlugin } from './plugin';
import { coreServices } from './core-services';
import { PluginRoute, checkPublicPathCollisions, pluginRoute } from './plugin-routes';
import { ScreenRegistry } from './screen-registry';
import { EmailTemplateRegistry } from './email-template-registry';
import { shortNameOf } from './plugin-options';
import { READINESS_CHECK, ReadinessCheck, readinessCheckNameProblem } from '../observability/readiness';
import { CORE_READINESS_CHECKS } from '../observability/core-readiness';
import { EventTypeRegistry } from '../notifications/event-type-registry';
import { CustomerDirectory, CustomerDirectorySlot } from '../customers/customer-directory';
import { MethodPartAddon } from '../methods/method-part-addon';
import { MethodPartAddonRegistry } from '../methods/method-part-addon.registry';
import { AmountAdjusterRegistry } from '../payments/amount-adjuster.registry';
import { AmountAdjuster } from '../payments/amount-adjuster';

type Phase = 'before' | 'register' | 'started' | 'stopped';

/**
 * Runs the plugins' two phases against the gateway's container (core services
 * already registered): `register` calls each plugin's setup with a context whose
 * registrations go straight into the container or the host's lists, then closes
 * them; `start` runs each plugin's start work once core is complete; `stop` runs
 * their stop work in reverse order.
 *
 * @example
 * ```ts
 * const host = new PluginHost(container, logger);
 * await host.register(plugins, optionsOf);
 * // ... registries built, adapters initialised ...
 * await host.start();
 * ```
 */
export class PluginHost {
  readonly adapters: BankAdapter[] = [];
  readonly routes: PluginRoute[] = [];
  readonly jobs: BackgroundJob[] = [];
  readonly screens = new ScreenRegistry();
  readonly emailTemplates = new EmailTemplateRegistry();
  readonly eventTypes = new EventTypeRegistry();
  readonly customerDirectory = new CustomerDirectorySlot();
  readonly methodPartAddons = new MethodPartAddonRegistry();
  readonly amountAdjusters = new AmountAdjusterRegistry();
  private readonly lifecycles: Array<{ readonly plugin: string; readonly lifecycle: PluginLifecycle }> = [];
  private phase: Phase = 'before';
  private current: string | undefined;
  private startedCount = 0;
  /** Core's check names are taken; plugins' must differ from them and from each other. */
  private readonly readinessNames = new Set(CORE_READINESS_CHECKS);

  constructor(
    private readonly container: DependencyContainer,
    private readonly logger: Logger,
  ) {
    container.register(ScreenRegistry, { useValue: this.screens });
    container.register(EmailTemplateRegistry, { useValue: this.emailTemplates });
    container.register(EventTypeRegistry, { useValue: this.eventTypes });
    container.register(CustomerDirectorySlot, { useValue: this.customerDirectory });
    container.register(MethodPartAddonRegistry, { useValue: this.methodPartAddons });
    container.register(AmountAdjusterRegistry, { useValue: this.amountAdjusters });
  }

  get started(): boolean {
    return this.phase === 'started';
  }

  /** The register phase: every plugin's setup, in order. */
  async register(plugins: readonly TenderPlugin[], optionsOf: (plugin: TenderPlugin) => Record<string, unknown>): Promise<void> {
    this.phase = 'register';
    for (const plugin of plugins) {
      this.current = plugin.name;
      const lifecycle = await plugin.setup(this.contextFor(plugin, optionsOf(plugin)));
      if (lifecycle !== undefined && lifecycle !== null) this.lifecycles.push({ plugin: plugin.name, lifecycle });
      this.logger.info({ plugin: plugin.name, version: plugin.version }, 'plugin registered');
    }
    this.current = undefined;
    checkPublicPathCollisions(this.routes);
  }

  /** The start phase: core is complete; each plugin's start, in order. */
  async start(): Promise<void> {
    this.phase = 'started';
    for (const { plugin, lifecycle } of this.lifecycles) {
      try {
        await lifecycle.start?.();
        this.startedCount++;
      } catch (error) {
        throw new PluginError(`plugin ${plugin}: start failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** The stop of each plugin whose start succeeded, in reverse order; a failing stop is logged, the others still run. */
  async stop(): Promise<void> {
    if (this.phase !== 'started') return;
    this.phase = 'stopped';
    // Only those whose start returned: a plugin whose start failed, and those after it, never ran.
    for (const { plugin, lifecycle } of this.lifecycles.slice(0, this.startedCount).reverse()) {
      try {
        await lifecycle.stop?.();
      } catch (error) {
        this.logger.error({ plugin, error: error instanceof Error ? error.message : String(error) }, 'plugin stop failed');
      }
    }
  }

  private contextFor(plugin: TenderPlugin, options: Record<string, unknown>): PluginContext {
    const container = this.container;
    const shortName = shortNameOf(plugin.name);
    const open = (what: string): void => {
      if (this.phase !== 'register' || this.current !== plugin.name) {
        throw new PluginError(`plugin ${plugin.name}: ${what} is a registration, accepted only while its setup runs`);
      }
    };
    const started = (what: string): void => {
      if (!this.started)
        throw new PluginError(`plugin ${plugin.name}: ${what} is available from the start phase on (the registries are still open during setup)`);
    };
    const add = <T>(what: string, token: InjectionToken<T>, value: T): void => {
      open(what);
      container.register<T>(token, { useValue: value });
    };
    // A class instead of an instance: built when its registry is first resolved (after
    // every setup), with its constructor's dependencies; the same instance as
    // registerService's when the plugin registered the class as a service too.
    const addClassOrValue = <T extends object>(what: string, token: InjectionToken<T>, value: T | ServiceClass<T>): void => {
      if (typeof value !== 'function') return add(what, token, value);
      open(what);
      const cls = value as ServiceClass<T>;
      if (container.isRegistered(cls as never, true)) container.register<T>(token, { useToken: cls as never });
      else container.register<T>(token, { useClass: cls as never });
    };
    return {
      plugin: { name: plugin.name, version: plugin.version, shortName },
      options,
      core: coreServices(container, () => this.started, plugin.name),
      resolve: <T>(token: InjectionToken<T>): T => {
        started('resolve');
        return container.resolve<T>(token);
      },
      resolveOptional: <T>(token: InjectionToken<T>): T | undefined => {
        started('resolveOptional');
        // Checked before resolving: a registered service whose construction throws must surface, not read as "absent".
        return container.isRegistered(token, true) ? container.resolve<T>(token) : undefined;
      },
      registerService: <T>(service: ServiceClass<T>, lifecycle: 'singleton' | 'transient' = 'singleton'): void => {
        open('registerService');
        if (container.isRegistered(service as never, true)) throw new PluginError(`plugin ${plugin.name}: ${service.name} is registered already`);
        if (lifecycle === 'singleton') container.registerSingleton(service as never);
        else container.register(service as never, { useClass: service as never });
      },
      registerValue: <T>(token: InjectionToken<T>, value: T): void => {
        open('registerValue');
        if (container.isRegistered(token, true))
          throw new PluginError(`plugin ${plugin.name}: ${String(typeof token === 'function' ? token.name : token)} is registered already`);
        container.register<T>(token, { useValue: value });
      },
      registerBankAdapter: (adapter: BankAdapter): void => {
        add('registerBankAdapter', BANK_ADAPTER, adapter);
        this.adapters.push(adapter);
      },
      registerPaymentMethod: (method: PaymentMethod | ServiceClass<PaymentMethod>): void =>
        addClassOrValue<PaymentMethod>('registerPaymentMethod', PAYMENT_METHOD, method),
      registerCertificateAuthenticator: (authenticator: CertificateAuthenticator | ServiceClass<CertificateAuthenticator>): void =>
        addClassOrValue<CertificateAuthenticator>('registerCertificateAuthenticator', CERTIFICATE_AUTHENTICATOR, authenticator),
      registerRoutingStrategy: (strategy: RoutingStrategyRegistration): void => add('registerRoutingStrategy', ROUTING_STRATEGY, strategy),
      registerRiskRule: (rule: RiskRule): void => add('registerRiskRule', RISK_RULE, rule),
      registerEventListener: (listener: EventListener): void => add('registerEventListener', EVENT_LISTENER, listener),
      registerReturnUrlChooser: (chooser: ReturnUrlChooser): void => add('registerReturnUrlChooser', RETURN_URL_CHOOSER, chooser),
      registerRoutes: (path, router, routeOptions) => {
        open('registerRoutes');
        this.routes.push(pluginRoute(plugin.name, shortName, 'root', path, router, routeOptions));
      },
      registerAdminRoutes: (path, router) => {
        open('registerAdminRoutes');
        this.routes.push(pluginRoute(plugin.name, shortName, 'admin', path, router));
      },
      registerApiRoutes: (path, router) => {
        open('registerApiRoutes');
        this.routes.push(pluginRoute(plugin.name, shortName, 'api', path, router));
      },
      registerScreen: (screen) => {
        open('registerScreen');
        this.wrap(plugin.name, () => this.screens.add(plugin.name, screen));
      },
      registerEmailTemplate: (template) => {
        open('registerEmailTemplate');
        this.wrap(plugin.name, () => this.emailTemplates.add(shortName, template));
      },
      registerBackgroundJob: (job: BackgroundJob): void => {
        open('registerBackgroundJob');
        if (typeof job?.name !== 'string' || typeof job.start !== 'function' || typeof job.stop !== 'function')
          throw new PluginError(`plugin ${plugin.name}: a background job needs a name, start and stop`);
        this.jobs.push(job);
      },
      registerReadinessCheck: (check: ReadinessCheck): void => {
        open('registerReadinessCheck');
        const problem = typeof check?.check === 'function' ? readinessCheckNameProblem(check.name) : 'a readiness check needs a name and a check function';
        if (problem !== undefined) throw new PluginError(`plugin ${plugin.name}: ${problem}`);
        if (this.readinessNames.has(check.name)) throw new PluginError(`plugin ${plugin.name}: a readiness check named '${check.name}' is registered already`);
        this.readinessNames.add(check.name);
        container.register<ReadinessCheck>(READINESS_CHECK, { useValue: check });
      },
      registerEventTypes: (types: readonly string[]): void => {
        open('registerEventTypes');
        if (!Array.isArray(types)) throw new PluginError(`plugin ${plugin.name}: registerEventTypes takes a list of event types`);
        this.wrap(plugin.name, () => this.eventTypes.add(types));
      },
      registerCustomerDirectory: (directory: CustomerDirectory): void => {
        open('registerCustomerDirectory');
        this.wrap(plugin.name, () => this.customerDirectory.set(plugin.name, directory));
      },
      registerMethodPartAddon: (addon: MethodPartAddon): void => {
        open('registerMethodPartAddon');
        this.wrap(plugin.name, () => this.methodPartAddons.add(shortName, addon));
      },
      registerAmountAdjuster: <I>(adjuster: AmountAdjuster<I>): void => {
        open('registerAmountAdjuster');
        this.wrap(plugin.name, () => this.amountAdjusters.add(shortName, adjuster as AmountAdjuster));
      },
    };
  }

  /** Registry errors carry the plugin's name. */
  private wrap(plugin: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      throw new PluginError(`plugin ${plugin}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
