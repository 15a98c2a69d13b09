import { definePlugin } from '@tender/core';
import type { SavedCardsAccess } from '@tender/plugin-saved-cards';
import { z } from 'zod';
import { assistOrderRoutes } from './assist-order.routes';
import { assistOperationRoutes } from './assist-operations.routes';
import { assistAdminRoutes, assistMerchantRoutes } from './assist-settings.routes';
import { ASSIST_PUSH_OPTIONS, AssistPushOptions, AssistPushSender, DEFAULT_PUSH_OPTIONS } from './assist-push.sender';
import { AssistSettingsService } from './assist-settings.service';
import { AssistOrderService } from './assist-order.service';
import { assistReturnUrls } from './assist-return-urls';
import { AssistMoneyOperations } from './assist-money-operations';
import { AssistOrderOperations } from './assist-order-operations';
import { assistTables } from './migrations/001-assist-tables';
import { assistOrders } from './migrations/002-assist-orders';
import { AssistOrderBook } from './assist-order-book';
import { AssistRecurringService, AssistSavedCards } from './assist-recurring.service';
import { ASSIST_RECURRING_PATH, assistRecurringRoutes } from './assist-recurring.routes';

/**
 * The saved-cards plugin's public service token (its SAVED_CARDS, a Symbol.for key),
 * named here so this plugin loads without that package (an optional peer dependency).
 */
const SAVED_CARDS = Symbol.for('@tender/plugin-saved-cards/SavedCardsAccess');

/** The URLs Assist's shop modules call; they stay where Assist has them. */
export const ASSIST_ORDER_PATHS = ['/pay/order.cfm', '/pay/payrequest.cfm'] as const;
/** Whole folders: anything below them is answered Assist-style (an unknown file too), never by Tender's JSON 404. */
export const ASSIST_OPERATION_PATHS = ['/orderstate', '/orderresult', '/charge', '/cancel'] as const;

/** The plugin's options (the result push to shops), with these defaults. */
export function assistOptionsSchema(defaults: AssistPushOptions = DEFAULT_PUSH_OPTIONS) {
  const ms = (fallback: number) =>
    z
      .number()
      .int()
      .min(1)
      .max(24 * 3600_000)
      .default(fallback);
  return z.object({
    intervalMs: ms(defaults.intervalMs),
    retryBaseMs: ms(defaults.retryBaseMs),
    maxDelayMs: ms(defaults.maxDelayMs),
    maxAttempts: z.number().int().min(1).max(1000).default(defaults.maxAttempts),
    timeoutMs: ms(defaults.timeoutMs),
  });
}

/**
 * The Assist-compatible merchant protocol as a Tender plugin: a shop running an
 * Assist module moves to Tender by changing the host name in its settings. Its
 * options come from the configuration (TENDER_PLUGIN_ASSIST_COMPAT_INTERVAL_MS, ...);
 * `defaults` only changes their defaults (tests, embedding).
 *
 * @example
 * ```ts
 * // TENDER_PLUGINS=@tender/adapter-sandbox,@tender/plugin-assist-compat
 * await Gateway.create(config, { plugins: [sandboxPlugin, createAssistPlugin({ intervalMs: 500 })] });
 * ```
 */
export function createAssistPlugin(defaults: Partial<AssistPushOptions> = {}) {
  return definePlugin({
    name: '@tender/plugin-assist-compat',
    version: '0.1.0',
    coreRange: '^0.1.0',
    options: assistOptionsSchema({ ...DEFAULT_PUSH_OPTIONS, ...defaults }),
    migrations: [assistTables, assistOrders],
    setup(ctx) {
      ctx.registerValue<AssistPushOptions>(ASSIST_PUSH_OPTIONS, ctx.options);
      ctx.registerService(AssistSettingsService);
      ctx.registerService(AssistOrderBook);
      ctx.registerService(AssistOrderService);
      const savedCards = new AssistSavedCards();
      ctx.registerValue(AssistSavedCards, savedCards);
      ctx.registerService(AssistRecurringService);
      ctx.registerService(AssistPushSender);
      ctx.registerService(AssistMoneyOperations);
      ctx.registerService(AssistOrderOperations);
      ctx.registerReturnUrlChooser(assistReturnUrls);
      ctx.registerRoutes('/', assistOrderRoutes(ctx), { publicPaths: ASSIST_ORDER_PATHS });
      ctx.registerRoutes('/', assistOperationRoutes(ctx), { publicPaths: ASSIST_OPERATION_PATHS });
      ctx.registerRoutes('/', assistRecurringRoutes(ctx), { publicPaths: [ASSIST_RECURRING_PATH] });
      ctx.registerAdminRoutes('/', assistAdminRoutes(ctx));
      ctx.registerApiRoutes('/', assistMerchantRoutes(ctx));
      ctx.registerBackgroundJob({
        name: 'assist-push',
        start: () => ctx.resolve(AssistPushSender).start(),
        stop: () => ctx.resolve(AssistPushSender).stop(),
      });
      return {
        // Recurring payments need the saved-cards plugin; without it RecurringIndicator=1 and rp.cfm answer recurring_unavailable.
        start() {
          savedCards.use(ctx.resolveOptional<SavedCardsAccess>(SAVED_CARDS));
        },
      };
    },
  });
}

export const plugin = createAssistPlugin();
