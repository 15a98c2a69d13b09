import { ProviderBase } from './medusa-contract';

/** Stands in for AbstractPaymentProvider where Medusa is not installed (this package's tests, type checks). */
class StandaloneProviderBase {
  constructor(
    protected readonly cradle: Record<string, unknown>,
    protected readonly config: Record<string, unknown> = {},
  ) {}
}

/**
 * Medusa's AbstractPaymentProvider when the shop has @medusajs/framework (or the
 * older @medusajs/utils) installed, which is always the case inside a Medusa app, so
 * Medusa's `isPaymentProvider` checks and its base behaviour apply.
 */
export function medusaProviderBase(): ProviderBase {
  for (const name of ['@medusajs/framework/utils', '@medusajs/utils']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(name) as { AbstractPaymentProvider?: ProviderBase };
      if (typeof mod.AbstractPaymentProvider === 'function') return mod.AbstractPaymentProvider;
    } catch {
      // not installed here: try the next name
    }
  }
  return StandaloneProviderBase;
}

/** Medusa's ModuleProvider(Modules.PAYMENT, { services }) when Medusa is there; the same shape otherwise. */
export function paymentModuleProvider(services: unknown[]): unknown {
  for (const name of ['@medusajs/framework/utils', '@medusajs/utils']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(name) as { ModuleProvider?: (module: string, def: { services: unknown[] }) => unknown; Modules?: { PAYMENT: string } };
      if (typeof mod.ModuleProvider === 'function' && mod.Modules !== undefined) return mod.ModuleProvider(mod.Modules.PAYMENT, { services });
    } catch {
      // not installed here
    }
  }
  return { module: 'payment', services };
}
