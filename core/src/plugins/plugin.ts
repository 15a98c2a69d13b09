import { DependencyContainer } from 'tsyringe';
import { Router } from 'express';
import { TenderConfig } from '../config/config';
import { BankAdapter } from '../banks/bank-adapter';
import { PaymentMethod } from '../methods/payment-method';
import { CertificateAuthenticator } from '../certificates/certificate-authenticator';

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
  registerBankAdapter(adapter: BankAdapter): void;
  registerPaymentMethod(method: PaymentMethod): void;
  /** Another way to prove a payer's certificate; tried after the built-in ones. */
  registerCertificateAuthenticator(authenticator: CertificateAuthenticator): void;
  /** Mounts a router at `path` (for example a foreign protocol's endpoints). */
  registerRoutes(path: string, router: Router): void;
}

export class PluginError extends Error {}
