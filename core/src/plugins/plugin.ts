import { DependencyContainer } from 'tsyringe';
import { Router } from 'express';
import { TenderConfig } from '../config/config';
import { BankAdapter } from '../banks/bank-adapter';
import { PaymentMethod } from '../methods/payment-method';
import { CertificateAuthenticator } from '../certificates/certificate-authenticator';
import { RoutingStrategyRegistration } from '../routing/routing-strategy';
import { OutboundHttpClient } from '../outbound/outbound-http-client';

/**
 * EXTENSION POINT: a package that adds to the gateway. Its manifest says which
 * core versions it supports; an incompatible plugin stops the gateway at start,
 * not at the first payment.
 *
 * @example
 * ```ts
 * export const plugin: TenderPlugin = {
 *   name: '@acme/tender-adapter-acmebank',
 *   version: '1.0.0',
 *   coreRange: '^0.1.0',
 *   register(ctx) {
 *     ctx.registerBankAdapter(new AcmeBankAdapter(ctx.config));
 *   },
 * };
 * ```
 */
export interface TenderPlugin {
  readonly name: string;
  readonly version: string;
  /** A semver range of @tender/core versions this plugin works with. */
  readonly coreRange: string;
  register(context: PluginContext): void | Promise<void>;
}

export interface PluginContext {
  readonly config: TenderConfig;
  /** The gateway's container, for plugins that need core services. */
  readonly container: DependencyContainer;
  /**
   * The one client for requests the plugin makes to shops and platforms (address
   * checks at connect time, no redirects, timeouts, size limits). A plugin never
   * calls fetch or http.request itself.
   */
  readonly outbound: OutboundHttpClient;
  registerBankAdapter(adapter: BankAdapter): void;
  registerPaymentMethod(method: PaymentMethod): void;
  /** Another way to prove a payer's certificate; tried after the built-in ones. */
  registerCertificateAuthenticator(authenticator: CertificateAuthenticator): void;
  /** A routing strategy, or a wrapper of one (active when TENDER_ROUTING_STRATEGY names it). */
  registerRoutingStrategy(strategy: RoutingStrategyRegistration): void;
  /** Mounts a router at `path` (for example a foreign protocol's endpoints). */
  registerRoutes(path: string, router: Router): void;
  /** Mounts a router inside /admin/v1, behind the operator token and the JSON body parser. */
  registerAdminRoutes(path: string, router: Router): void;
  /** Mounts a router inside /v1, behind merchant authentication (`callerOf(res)`) and the JSON body parser. */
  registerApiRoutes(path: string, router: Router): void;
  /** Work that runs while the gateway serves: started with the core's background jobs, stopped on close. */
  registerBackgroundJob(job: BackgroundJob): void;
}

/**
 * A plugin's background work (a sender, a poller). `start` must return at once and
 * be idempotent; `stop` resolves when nothing of the job is running any more.
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

export class PluginError extends Error {}
