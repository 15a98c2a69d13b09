import { TenderPlugin } from '@tender/core';
import { SaleorInstallationService } from './saleor-installation.service';
import { SaleorTransactionService } from './saleor-transaction.service';
import { SALEOR_REPORTER_OPTIONS, SaleorReporter, SaleorReporterOptions } from './saleor-reporter';
import { SaleorSignatureVerifier } from './saleor-signature.verifier';
import { SaleorAppTokenVerifier } from './saleor-app-token.verifier';
import { saleorAppRoutes } from './saleor-app.routes';
import { saleorInstallationRoutes } from './saleor-installations.routes';

/** The plugin's options; its calls to stores go through the gateway's outbound client. */
export type SaleorPluginOptions = Partial<SaleorReporterOptions>;

/**
 * The Saleor payment app, served by the gateway itself at /saleor, plus
 * /v1/saleor/installations for merchants.
 *
 * @example
 * ```ts
 * // TENDER_PLUGINS=@tender/adapter-sandbox,@tender/plugin-saleor
 * await Gateway.create(config, { plugins: [sandboxPlugin, createSaleorPlugin({ intervalMs: 200 })] });
 * ```
 */
export function createSaleorPlugin(options: SaleorPluginOptions = {}): TenderPlugin {
  return {
    name: '@tender/plugin-saleor',
    version: '0.1.0',
    coreRange: '^0.1.0',
    register(ctx) {
      const reporterOptions: SaleorReporterOptions = { intervalMs: options.intervalMs ?? 2000 };
      ctx.container.register(SALEOR_REPORTER_OPTIONS, { useValue: reporterOptions });
      ctx.container.register(SaleorAppTokenVerifier, { useValue: new SaleorAppTokenVerifier({ client: ctx.outbound }) });
      ctx.container.registerSingleton(SaleorInstallationService);
      ctx.container.registerSingleton(SaleorTransactionService);
      ctx.container.registerSingleton(SaleorReporter);
      const verifier = new SaleorSignatureVerifier({
        client: ctx.outbound,
        livemodeOf: async (url) => (await ctx.container.resolve(SaleorInstallationService).byApiUrl(url))?.livemode,
      });
      ctx.registerRoutes('/saleor', saleorAppRoutes(ctx.container, verifier));
      ctx.registerApiRoutes('/', saleorInstallationRoutes(ctx.container));
      ctx.registerBackgroundJob({
        name: 'saleor-reporter',
        start: () => ctx.container.resolve(SaleorReporter).start(),
        stop: () => ctx.container.resolve(SaleorReporter).stop(),
      });
    },
  };
}

export const plugin: TenderPlugin = createSaleorPlugin();
