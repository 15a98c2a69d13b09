import { definePlugin, routerOnFirstRequest } from '@tender/core';
import { CardSaver } from './cards/card-saver';
import { consentAddon } from './cards/consent-addon';
import { paymentMethodRoutes } from './cards/payment-methods.routes';
import { SavedCardService } from './cards/saved-card.service';
import { customerDirectory } from './customers/customer-directory';
import { CustomerService } from './customers/customer.service';
import { customerRoutes } from './customers/customers.routes';
import { ActionRequiredMail } from './emails/action-required-mail';
import { registerCustomerEmails } from './emails/customer-mail';
import { SAVED_CARDS_EVENT_TYPES } from './events/saved-cards-events';
import { EXPIRY_NOTICES, ExpiryNotices } from './expiry/expiry-notices';
import { SetupAttemptService } from './setup/setup-attempt.service';
import { setupAttemptRoutes } from './setup/setup-attempts.routes';
import { SavedCardPaymentMethod } from './method/saved-card.method';
import { savedCardsTables } from './migrations/001-saved-cards-tables';
import { schedulesTables } from './migrations/002-schedules';
import { registerSchedules } from './schedules/register-schedules';
import { SAVED_CARDS_OPTIONS, SavedCardsOptions, savedCardsOptions } from './options';
import { savedCardsDeps } from './saved-cards-deps';
import { SAVED_CARDS, SavedCardsAccess, savedCardsAccess } from './saved-cards-access';
import { customerScreenSource, registerSavedCardScreens, scheduleScreenSource } from './screens';

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
  migrations: [savedCardsTables, schedulesTables],
  setup(ctx) {
    ctx.registerValue<SavedCardsOptions>(SAVED_CARDS_OPTIONS, ctx.options);
    const deps = savedCardsDeps(ctx.core, ctx.options);
    const cards = new SavedCardService(deps);
    const customers = new CustomerService(deps, cards);
    const saver = new CardSaver(deps);
    const actionMail = new ActionRequiredMail(deps);
    const setups = new SetupAttemptService(deps);
    const notices = new ExpiryNotices(deps);
    ctx.registerValue(EXPIRY_NOTICES, notices);
    // The public service other plugins (the Saleor app) resolve when this plugin is loaded.
    ctx.registerValue<SavedCardsAccess>(SAVED_CARDS, savedCardsAccess(deps, customers, cards));

    ctx.registerEventTypes(SAVED_CARDS_EVENT_TYPES);
    ctx.registerCustomerDirectory(customerDirectory(deps.customers));
    ctx.registerPaymentMethod(new SavedCardPaymentMethod(deps));
    ctx.registerMethodPartAddon(consentAddon(deps));
    // Saves the card in the transaction that records the payment's approval.
    ctx.registerEventListener({ onEvent: (q, event) => saver.onEvent(q, event) });
    // E-mails the customer the payment's page when a merchant-initiated payment needs authentication.
    ctx.registerEventListener({ onEvent: (q, event) => actionMail.onEvent(q, event) });
    registerCustomerEmails(ctx);
    ctx.registerApiRoutes(
      '/',
      routerOnFirstRequest(() => customerRoutes(ctx, customers, cards)),
    );
    ctx.registerApiRoutes('/', paymentMethodRoutes(cards));
    ctx.registerApiRoutes(
      '/',
      routerOnFirstRequest(() => setupAttemptRoutes(ctx, setups)),
    );
    // One process at a time (leases in the database), on a schedule shared by all of them.
    ctx.registerBackgroundJob(
      ctx.core.scheduler.job({ name: 'saved-cards-expiry-notices', intervalMs: ctx.options.expiryScanIntervalMs, run: () => notices.runOnce() }),
    );
    ctx.registerBackgroundJob(
      ctx.core.scheduler.job({
        name: 'saved-cards-setup-sweeper',
        intervalMs: ctx.options.setupSweepIntervalMs,
        run: async () => {
          await setups.sweep();
        },
      }),
    );

    const schedules = registerSchedules(ctx, deps);
    registerSavedCardScreens(ctx, { customers: () => customerScreenSource(customers, cards), schedules: () => scheduleScreenSource(schedules) });
  },
});
