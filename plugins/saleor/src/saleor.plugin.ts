import { definePlugin } from '@tender/core';
import type { SavedCardsAccess } from '@tender/plugin-saved-cards';
import { z } from 'zod';
import { SaleorInstallationService } from './saleor-installation.service';
import { SaleorTransactionService } from './saleor-transaction.service';
import { SALEOR_REPORTER_OPTIONS, SaleorReporter, SaleorReporterOptions } from './saleor-reporter';
import { SaleorSignatureVerifier } from './saleor-signature.verifier';
import { SaleorAppTokenVerifier } from './saleor-app-token.verifier';
import { saleorAppRoutes } from './saleor-app.routes';
import { saleorInstallationRoutes } from './saleor-installations.routes';
import { saleorTables } from './migrations/001-saleor-tables';
import { saleorOutsideRefunds } from './migrations/002-saleor-outside-refunds';
import { saleorInstallSecrets } from './migrations/003-saleor-install-secrets';
import { saleorCustomers } from './migrations/004-saleor-customers';
import { SaleorSavedCards } from './saleor-saved-cards';

/**
 * The saved-cards plugin's public service token (its SAVED_CARDS, a Symbol.for key):
 * named here rather than imported so that this plugin loads without that package
 * installed (an optional peer dependency); only its types are imported.
 */
const SAVED_CARDS = Symbol.for('@tender/plugin-saved-cards/SavedCardsAccess');

/** The plugin's options; its calls to stores go through the gateway's outbound client. */
export type SaleorPluginOptions = Partial<SaleorReporterOptions>;

/** The Saleor app's URLs, fixed in every store that installed it. */
export const SALEOR_APP_PATH = '/saleor';

/**
 * The Saleor payment app, served by the gateway itself at /saleor, plus
 * /v1/saleor/installations for merchants. Option `intervalMs`
 * (TENDER_PLUGIN_SALEOR_INTERVAL_MS): how often payments are checked for news to
 * report; `defaults` only changes the default (tests, embedding).
 *
 * @example
 * ```ts
 * // TENDER_PLUGINS=@tender/adapter-sandbox,@tender/plugin-saleor
 * await Gateway.create(config, { plugins: [sandboxPlugin, createSaleorPlugin({ intervalMs: 200 })] });
 * ```
 */
export function createSaleorPlugin(defaults: SaleorPluginOptions = {}) {
  return definePlugin({
    name: '@tender/plugin-saleor',
    version: '0.1.0',
    coreRange: '^0.1.0',
    options: z.object({
      intervalMs: z
        .number()
        .int()
        .min(1)
        .max(24 * 3600_000)
        .default(defaults.intervalMs ?? 2000),
    }),
    migrations: [saleorTables, saleorOutsideRefunds, saleorInstallSecrets, saleorCustomers],
    setup(ctx) {
      ctx.registerValue<SaleorReporterOptions>(SALEOR_REPORTER_OPTIONS, { intervalMs: ctx.options.intervalMs });
      ctx.registerValue(SaleorAppTokenVerifier, new SaleorAppTokenVerifier({ client: ctx.core.outbound }));
      const savedCards = new SaleorSavedCards(
        () => ctx.core.database,
        () => ctx.core.clock.now(),
      );
      ctx.registerValue(SaleorSavedCards, savedCards);
      ctx.registerService(SaleorInstallationService);
      ctx.registerService(SaleorTransactionService);
      ctx.registerService(SaleorReporter);
      const verifier = new SaleorSignatureVerifier({
        client: ctx.core.outbound,
        livemodeOf: async (url) => (await ctx.resolve(SaleorInstallationService).byApiUrl(url))?.livemode,
      });
      ctx.registerRoutes(SALEOR_APP_PATH, saleorAppRoutes(ctx, verifier), { publicPaths: [SALEOR_APP_PATH] });
      ctx.registerApiRoutes('/', saleorInstallationRoutes(ctx));
      ctx.registerBackgroundJob({
        name: 'saleor-reporter',
        start: () => ctx.resolve(SaleorReporter).start(),
        stop: () => ctx.resolve(SaleorReporter).stop(),
      });
      return {
        // Saved cards are the saved-cards plugin's: used when it is loaded (it registers SAVED_CARDS), else lists are empty.
        start() {
          savedCards.use(ctx.resolveOptional<SavedCardsAccess>(SAVED_CARDS));
        },
      };
    },
  });
}

export const plugin = createSaleorPlugin();
