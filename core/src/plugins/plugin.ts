import { Router } from 'express';
import { Knex } from 'knex';
import { InjectionToken } from 'tsyringe';
import { z } from 'zod';
import { BankAdapter } from '../banks/bank-adapter';
import { PaymentMethod } from '../methods/payment-method';
import { CertificateAuthenticator } from '../certificates/certificate-authenticator';
import { RoutingStrategyRegistration } from '../routing/routing-strategy';
import { RiskRule } from '../monitoring/risk-rule';
import { EventListener } from '../notifications/event-listener';
import { ReturnUrlChooser } from '../pages/return-url-chooser';
import { CoreServices } from './core-services';
import { ScreenDescriptor } from './screen-registry';
import { EmailTemplateDescriptor } from './email-template-registry';
import { ReadinessCheck } from '../observability/readiness';
import { CustomerDirectory } from '../customers/customer-directory';
import { MethodPartAddon } from '../methods/method-part-addon';
import { AmountAdjuster } from '../payments/amount-adjuster';

/** A plugin's options: a zod object; every key is one option (docs/plugins.md). */
export type PluginOptionsSchema = z.AnyZodObject;

/**
 * One step of a plugin's schema. Applied once per database, in list order, and
 * recorded in `tender_plugin_migrations` under the plugin's name; never renamed or
 * reordered once published.
 *
 * @example
 * ```ts
 * const createTables: PluginMigration = {
 *   name: '001-acme-tables',
 *   up: (db) => db.schema.createTable('acme_transfers', (t) => { t.string('id', 40).primary(); }),
 *   down: (db) => db.schema.dropTable('acme_transfers'),
 * };
 * ```
 */
export interface PluginMigration {
  readonly name: string;
  up(db: Knex): Promise<void>;
  down?(db: Knex): Promise<void>;
}

/**
 * A plugin's background work (a sender, a poller). `start` must return at once and
 * be idempotent; `stop` resolves when nothing of the job is running any more. Jobs
 * start when the gateway starts serving (or in `tender worker`), after every
 * plugin's `start`.
 *
 * @example
 * ```ts
 * ctx.registerBackgroundJob({ name: 'acme-poller', start: () => poller.start(), stop: () => poller.stop() });
 * ```
 */
export interface BackgroundJob {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

/** Where a router is mounted and what it may answer (docs/plugins.md, "HTTP routes"). */
export interface PluginRouteOptions {
  /**
   * The escape for URLs fixed by someone else (Assist's /pay/order.cfm, Saleor's
   * /saleor/...): the router is mounted at `path` itself instead of under
   * /plugins/<short-name>, and answers only requests at or below these paths. Core
   * refuses a public path inside its own prefixes or overlapping another plugin's.
   */
  readonly publicPaths?: readonly string[];
}

/** A class the container can build (tsyringe `@injectable()`). */
export type ServiceClass<T> = new (...args: never[]) => T;

/** Anything that hands out registered services; the plugin context is one. */
export interface ServiceResolver {
  resolve<T>(token: InjectionToken<T>): T;
}

/**
 * What a plugin's `setup` receives: its validated options, the core services that
 * exist before any plugin (typed), and one typed registration per extension point.
 * Registrations are accepted only while `setup` runs (the register phase); after
 * it, they throw.
 */
export interface PluginContext<O extends object = Record<string, unknown>> {
  /** The plugin's own name and its short name (route prefix, option variables). */
  readonly plugin: { readonly name: string; readonly version: string; readonly shortName: string };
  /** The options, validated against the manifest's schema (defaults applied). */
  readonly options: Readonly<O>;
  /** Core's services, registered before any plugin. */
  readonly core: CoreServices;
  /**
   * A registered service (core's or this plugin's own, see `registerService`).
   * Only from the start phase on (in `start`, route handlers, jobs): during
   * `setup` the registries are still open, so resolving would freeze them.
   */
  resolve<T>(token: InjectionToken<T>): T;
  /**
   * A service that may or may not be there: the same as `resolve` when something is
   * registered under `token` (in the gateway's container or above it), `undefined`
   * when nothing is — for a service of another plugin that need not be loaded. Only
   * from the start phase on, like `resolve`; a service that is registered but fails
   * to build still throws (that is a bug, not an absence).
   *
   * @example
   * ```ts
   * return {
   *   start() {
   *     // The saved-cards plugin is optional: without it, recurring payments are off.
   *     recurring.use(ctx.resolveOptional<SavedCardsAccess>(SAVED_CARDS));
   *   },
   * };
   * ```
   */
  resolveOptional<T>(token: InjectionToken<T>): T | undefined;

  /** Makes a class (with tsyringe `@injectable()` constructor injection) resolvable; one instance per gateway unless `transient`. */
  registerService<T>(service: ServiceClass<T>, lifecycle?: 'singleton' | 'transient'): void;
  /** Makes a value resolvable under a token the plugin owns. */
  registerValue<T>(token: InjectionToken<T>, value: T): void;

  registerBankAdapter(adapter: BankAdapter): void;
  /**
   * A payment method: an instance, or a class (`@injectable()`) the gateway builds at
   * start with its dependencies (the same instance as `registerService`'s when the
   * plugin registered it as a service too).
   */
  registerPaymentMethod(method: PaymentMethod | ServiceClass<PaymentMethod>): void;
  /** Another way to prove a payer's certificate (an instance or a class, as above); tried in registration order. */
  registerCertificateAuthenticator(authenticator: CertificateAuthenticator | ServiceClass<CertificateAuthenticator>): void;
  /**
   * A routing strategy (chosen by TENDER_ROUTING_STRATEGY) or a wrapper of the active
   * one (receives its decision and reorders or filters it); docs/routing.md.
   */
  registerRoutingStrategy(strategy: RoutingStrategyRegistration): void;
  /** A risk rule, run by the risk engine next to the built-in ones (docs/risk.md). */
  registerRiskRule(rule: RiskRule): void;
  /** Runs inside the transaction of every event (docs/notifications.md). */
  registerEventListener(listener: EventListener): void;
  /** Picks the shop URL the hosted page returns the buyer to (first that answers wins). */
  registerReturnUrlChooser(chooser: ReturnUrlChooser): void;
  /** Mounts a router at /plugins/<short-name><path>, or at `path` with `publicPaths` (see PluginRouteOptions). */
  registerRoutes(path: string, router: Router, options?: PluginRouteOptions): void;
  /** Mounts a router inside /admin/v1, behind the operator token and the JSON body parser. */
  registerAdminRoutes(path: string, router: Router): void;
  /** Mounts a router inside /v1, behind merchant authentication (`callerOf(res)`) and the JSON body parser. */
  registerApiRoutes(path: string, router: Router): void;
  /** A dashboard or console screen, for the web shell that mounts the registry's screens. */
  registerScreen(screen: ScreenDescriptor): void;
  /** An e-mail template the e-mail dispatcher can render (its name must start with `<short-name>.`). */
  registerEmailTemplate(template: EmailTemplateDescriptor): void;
  /** Work that runs while the gateway serves: started with the core's background jobs, stopped on close. */
  registerBackgroundJob(job: BackgroundJob): void;
  /**
   * Something the gateway needs before it should get traffic, checked at every
   * `GET /readyz` next to core's (database, migrations, key ring): the instance
   * answers 503 naming the check while it fails. Cheap, bounded, no secrets in the
   * reason (ReadinessCheck); the name is unique in the gateway.
   *
   * @example
   * ```ts
   * ctx.registerReadinessCheck({ name: 'acme_link', check: () => (link.up() ? { ready: true } : { ready: false, reason: 'link down' }) });
   * ```
   */
  registerReadinessCheck(check: ReadinessCheck): void;
  /**
   * Event types the plugin records with `ctx.core.events` (lower-case `<object>.<what>`,
   * not core's own): webhook endpoints may then subscribe to them, by name or with a
   * `<prefix>.*` pattern. Core's `EVENT_TYPES` stays core's list.
   *
   * @example
   * ```ts
   * ctx.registerEventTypes(['customer.created', 'customer.deleted']);
   * // later, in a transaction: await ctx.core.events.record(trx, { type: 'customer.created', ... });
   * ```
   */
  registerEventTypes(types: readonly string[]): void;
  /**
   * The directory of the merchant's customers (at most one in the gateway): with it,
   * `POST /v1/payments` accepts `customer` (an id it knows for the merchant and mode);
   * without it, `customer` is parameter_unknown. See CustomerDirectory.
   */
  registerCustomerDirectory(directory: CustomerDirectory): void;
  /**
   * Fields added to another method's part of the hosted page (e.g. a consent checkbox
   * on the card form); its submission runs before the confirm, its `record` in the
   * confirm transaction. See MethodPartAddon.
   */
  registerMethodPartAddon(addon: MethodPartAddon): void;
  /**
   * Something that takes an amount off a payment at confirm (a loyalty discount):
   * named under `adjustments` on the confirm API, applied in the confirm
   * transaction. See AmountAdjuster.
   */
  registerAmountAdjuster<I>(adjuster: AmountAdjuster<I>): void;
}

/**
 * What `setup` may return: work for the start phase (core ready, every plugin
 * registered, migrations run, container complete) and for shutdown. `start` runs
 * in plugin order, `stop` in reverse order.
 */
export interface PluginLifecycle {
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}

/**
 * EXTENSION POINT: a package that adds to the gateway. The manifest says which core
 * versions it supports (an incompatible plugin stops the start, not the first
 * payment), which options it takes (a zod object, filled from the one
 * configuration source), which tables it owns (`migrations`) and what it registers
 * (`setup`).
 *
 * @example
 * ```ts
 * export const plugin = definePlugin({
 *   name: '@acme/tender-adapter-acmebank',
 *   version: '1.0.0',
 *   coreRange: '^0.1.0',
 *   options: z.object({ host: z.string().min(1), port: z.number().int().default(443) }),
 *   migrations: [{ name: '001-acme-tables', up: (db) => db.schema.createTable('acme_transfers', (t) => t.string('id', 40).primary()) }],
 *   setup(ctx) {
 *     const adapter = new AcmeBankAdapter(ctx.options, ctx.core.database);
 *     ctx.registerBankAdapter(adapter);
 *     return { start: () => adapter.connect(), stop: () => adapter.disconnect() };
 *   },
 * });
 * ```
 */
export interface PluginManifest<S extends PluginOptionsSchema = PluginOptionsSchema> {
  readonly name: string;
  readonly version: string;
  /** A semver range of @tender/core versions this plugin works with. */
  readonly coreRange: string;
  /** The options schema; omitted: the plugin takes none (any option set for it is an error). */
  readonly options?: S;
  /** The plugin's tables, in order. */
  readonly migrations?: readonly PluginMigration[];
  /** The register phase: typed registrations only; may return start/stop work. */
  setup(ctx: PluginContext<z.infer<S>>): void | PluginLifecycle | Promise<void | PluginLifecycle>;
}

const DEFINED = Symbol.for('tender.plugin');

/** A manifest that went through definePlugin (what the gateway loads). */
export type TenderPlugin<S extends PluginOptionsSchema = PluginOptionsSchema> = PluginManifest<S> & { readonly [DEFINED]: true };

/**
 * Declares a plugin. Checks the manifest's shape at once, so a broken plugin fails
 * when its module loads.
 *
 * @example
 * ```ts
 * export const plugin = definePlugin({ name: '@acme/tender-hello', version: '1.0.0', coreRange: '^0.1.0', setup(ctx) {
 *   ctx.registerRoutes('/hello', Router().get('/', (_req, res) => void res.json({ hello: ctx.options })));
 * } });
 * ```
 */
export function definePlugin<S extends PluginOptionsSchema = z.ZodObject<Record<string, never>>>(manifest: PluginManifest<S>): TenderPlugin<S> {
  const problem = manifestProblem(manifest);
  if (problem !== undefined) throw new PluginError(problem);
  return Object.freeze({ ...manifest, migrations: Object.freeze([...(manifest.migrations ?? [])]), [DEFINED]: true as const });
}

export function isDefinedPlugin(candidate: unknown): candidate is TenderPlugin {
  return typeof candidate === 'object' && candidate !== null && (candidate as Record<symbol, unknown>)[DEFINED] === true;
}

function manifestProblem(m: PluginManifest): string | undefined {
  const label = typeof m?.name === 'string' ? `plugin ${m.name}` : 'a plugin';
  if (typeof m !== 'object' || m === null) return 'definePlugin needs a manifest object';
  if (typeof m.name !== 'string' || m.name === '') return 'a plugin manifest needs a name';
  if (typeof m.version !== 'string' || typeof m.coreRange !== 'string') return `${label} needs a version and a coreRange`;
  if (typeof m.setup !== 'function') return `${label} needs a setup function`;
  if (m.options !== undefined && (typeof m.options.safeParse !== 'function' || (m.options._def as { typeName?: unknown }).typeName !== 'ZodObject'))
    return `${label}: options must be a zod object schema (z.object({...}))`;
  const names = new Set<string>();
  for (const migration of m.migrations ?? []) {
    if (typeof migration?.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(migration.name) || typeof migration.up !== 'function') {
      return `${label}: every migration needs a name (letters, digits, . _ -; at most 100) and an up function`;
    }
    if (names.has(migration.name)) return `${label}: two migrations are named '${migration.name}'`;
    names.add(migration.name);
  }
  return undefined;
}

/** A plugin that cannot be loaded, configured or registered; the gateway does not start. */
export class PluginError extends Error {}
