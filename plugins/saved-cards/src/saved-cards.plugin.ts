import { definePlugin } from '@tender/core';
import { savedCardsTables } from './migrations/001-saved-cards-tables';
import { SAVED_CARDS_OPTIONS, SavedCardsOptions, savedCardsOptions } from './options';

/**
 * @tender/plugin-saved-cards: saved cards and recurring payments (docs/saved-cards.md).
 * Merchant-scoped customers (`cus_`), cards saved with the buyer's consent (`pm_`,
 * the PAN in core's vault), the `saved_card` payment method (one click on the hosted
 * page, merchant-initiated payments over the API), setup without charging, expiry
 * notices, export and erasure. It uses only `@tender/core`'s public API.
 *
 * @example
 * ```ts
 * // loaded by default (DEFAULT_PLUGINS); embedding:
 * const gateway = await Gateway.create(config, { plugins: [sandboxPlugin, savedCardsPlugin] });
 * ```
 */
export const plugin = definePlugin({
  name: '@tender/plugin-saved-cards',
  version: '0.1.0',
  coreRange: '^0.1.0',
  options: savedCardsOptions,
  migrations: [
    savedCardsTables,
    // 002-schedules (src/schedules/) is appended here.
  ],
  setup(ctx) {
    ctx.registerValue<SavedCardsOptions>(SAVED_CARDS_OPTIONS, ctx.options);

    // ---- schedules (src/schedules/): registerSchedules(ctx, ...) is called here. ----
  },
});
