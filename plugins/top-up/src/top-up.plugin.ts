import { CoreServices, TenderPlugin, definePlugin } from '@tender/core';
import { TopUpPages } from './http/top-up-pages';
import { topUpAdminRoutes } from './http/top-up-admin.routes';
import { topUpPublicRoutes } from './http/top-up-public.routes';
import { topUpTables } from './migrations/001-top-up-tables';
import { NumberingPlanFile } from './numbering/numbering-plan-file';
import { TopUpOptions, topUpOptions } from './options';
import { SandboxTopUpProvider } from './provider/sandbox-top-up-provider';
import { TopUpProvider } from './provider/top-up-provider';
import { CardDailyLimitRule } from './risk/card-daily-limit.rule';
import { NumberVelocityRule } from './risk/number-velocity.rule';
import { TopUpSettingsStore } from './settings/top-up-settings.store';
import { onPaymentEvent } from './top-ups/payment-events.listener';
import { TopUpDelivery } from './top-ups/top-up-delivery';
import { ReceiptMail, registerReceiptTemplate } from './top-ups/receipt-mail';
import { TopUpService } from './top-ups/top-up.service';
import { deliveryJob } from './top-ups/delivery-job';

/**
 * How a plugin built on this one supplies its provider (the sandbox is the default).
 *
 * @example
 * ```ts
 * createTopUpPlugin({ name: '@acme/tender-top-up-acme', provider: (core) => new AcmeTopUpProvider(core.outbound) });
 * ```
 */
export interface TopUpPluginOptions {
  readonly name?: string;
  provider(core: CoreServices, options: TopUpOptions): TopUpProvider;
}

/**
 * Builds the top-up plugin around a provider. `@tender/plugin-top-up` itself is
 * `createTopUpPlugin()` with the sandbox provider; a real operator's package wraps
 * its own TopUpProvider (see its TSDoc) under its own name.
 *
 * @example
 * ```ts
 * export const plugin = createTopUpPlugin({ name: '@acme/tender-top-up-acme', provider: (core) => new AcmeTopUpProvider(core.outbound) });
 * ```
 */
export function createTopUpPlugin(custom?: TopUpPluginOptions): TenderPlugin<typeof topUpOptions> {
  return definePlugin({
    name: custom?.name ?? '@tender/plugin-top-up',
    version: '0.1.0',
    coreRange: '^0.1.0',
    options: topUpOptions,
    migrations: [topUpTables],
    setup(ctx) {
      const core = ctx.core;
      // A lease shorter than a provider call would let a second worker send while the first still waits.
      if (ctx.options.leaseMs <= ctx.options.providerTimeoutMs)
        throw new Error(`plugin ${ctx.plugin.name}: option leaseMs (${ctx.options.leaseMs}) must exceed providerTimeoutMs (${ctx.options.providerTimeoutMs})`);
      const now = (): number => core.clock.now();
      const settings = new TopUpSettingsStore(() => core.database, now);
      const plan = new NumberingPlanFile(ctx.options.numberingPlanFile);
      const provider =
        custom?.provider(core, ctx.options) ??
        new SandboxTopUpProvider(() => core.database, now, { hangMs: ctx.options.sandboxHangMs, laterMs: ctx.options.sandboxLaterMs });
      const pages = new TopUpPages(core.config.brand);
      const service = new TopUpService(core, settings, plan, ctx.options.createsPerAddressPerHour);
      const delivery = new TopUpDelivery(core, provider, new ReceiptMail(core), ctx.options);

      registerReceiptTemplate(ctx);
      ctx.registerEventListener({ onEvent: (q, event) => onPaymentEvent(q, event) });
      ctx.registerRiskRule(new NumberVelocityRule());
      ctx.registerRiskRule(new CardDailyLimitRule(settings));
      ctx.registerRoutes(
        '/',
        topUpPublicRoutes(
          () => core,
          () => service,
          () => pages,
        ),
      );
      ctx.registerAdminRoutes('/top-up', topUpAdminRoutes(settings, plan));
      ctx.registerValue(TOP_UP_DELIVERY, delivery);
      if (ctx.options.deliveryIntervalMs > 0) ctx.registerBackgroundJob(deliveryJob(delivery, ctx.options.deliveryIntervalMs, () => core.logger));
      // Reads the plan at start, so a broken file stops the start instead of the first buyer's request.
      return { start: async () => void (await plan.reload()) };
    },
  });
}

/** The delivery worker, for tests and embedding that drive it (`container.resolve(TOP_UP_DELIVERY).runOnce()`). */
export const TOP_UP_DELIVERY = Symbol.for('@tender/plugin-top-up:delivery');

export const plugin = createTopUpPlugin();
