import { RETURN_URL_CHOOSER, TenderPlugin } from '@tender/core';
import { assistOrderRoutes } from './assist-order.routes';
import { assistOperationRoutes } from './assist-operations.routes';
import { assistAdminRoutes, assistMerchantRoutes } from './assist-settings.routes';
import { ASSIST_PUSH_OPTIONS, AssistPushOptions, AssistPushSender, DEFAULT_PUSH_OPTIONS } from './assist-push.sender';
import { AssistSettingsService } from './assist-settings.service';
import { AssistOrderService } from './assist-order.service';
import { assistReturnUrls } from './assist-return-urls';

/**
 * The Assist-compatible merchant protocol as a Tender plugin: a shop running an
 * Assist module moves to Tender by changing the host name in its settings.
 *
 * @example
 * ```ts
 * // TENDER_PLUGINS=@tender/adapter-sandbox,@tender/plugin-assist-compat
 * await Gateway.create(config, { plugins: [sandboxPlugin, createAssistPlugin({ intervalMs: 500 })] });
 * ```
 */
export function createAssistPlugin(pushOptions: Partial<AssistPushOptions> = {}): TenderPlugin {
  return {
    name: '@tender/plugin-assist-compat',
    version: '0.1.0',
    coreRange: '^0.1.0',
    register(ctx) {
      ctx.container.register(ASSIST_PUSH_OPTIONS, { useValue: { ...DEFAULT_PUSH_OPTIONS, ...pushOptions } });
      ctx.container.registerSingleton(AssistSettingsService);
      ctx.container.registerSingleton(AssistOrderService);
      ctx.container.registerSingleton(AssistPushSender);
      ctx.container.register(RETURN_URL_CHOOSER, { useValue: assistReturnUrls });
      ctx.registerRoutes('/', assistOrderRoutes(ctx.container));
      ctx.registerRoutes('/', assistOperationRoutes(ctx.container));
      ctx.registerAdminRoutes('/', assistAdminRoutes(ctx.container));
      ctx.registerApiRoutes('/', assistMerchantRoutes(ctx.container));
      ctx.registerBackgroundJob({
        name: 'assist-push',
        start: () => ctx.container.resolve(AssistPushSender).start(),
        stop: () => ctx.container.resolve(AssistPushSender).stop(),
      });
    },
  };
}

export const plugin: TenderPlugin = createAssistPlugin();
