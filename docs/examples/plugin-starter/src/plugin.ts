import { definePlugin } from '@tender/core';
import { migrations } from './migrations';
import { starterOptions } from './options';
import { preferredBanks } from './routing/preferred-banks.strategy';
import { vouchersScreen } from './screens/vouchers.screen';
import { VoucherLedger } from './vouchers/voucher-ledger';
import { VoucherLedgerAdapter } from './vouchers/voucher-ledger.adapter';
import { VoucherPage } from './vouchers/voucher-page';
import { VoucherPaymentMethod } from './vouchers/voucher.method';
import { voucherRoutes } from './vouchers/vouchers.routes';

/**
 * tender-plugin-starter: prepaid vouchers as a payment method (with its part of the
 * hosted page, its own tables and its ledger as the "bank"), a routing strategy
 * that prefers the operator's banks, and a dashboard screen of the merchant's
 * vouchers. Everything goes through the plugin API; nothing in core knows it.
 *
 * @example
 * ```sh
 * npm install ./tender-plugin-starter-0.1.0.tgz
 * TENDER_PLUGINS=@tender/adapter-sandbox,@tender/plugin-accounts,@tender/dashboard,tender-plugin-starter tender start
 * ```
 */
export const plugin = definePlugin({
  name: 'tender-plugin-starter',
  version: '0.1.0',
  coreRange: '^0.1.0',
  options: starterOptions,
  migrations,
  // The register phase: build the plugin's objects from core's early services and register them.
  setup(ctx) {
    const ledger = new VoucherLedger(ctx.core.database, ctx.core.clock);
    ctx.registerBankAdapter(new VoucherLedgerAdapter(ledger));
    ctx.registerPaymentMethod(new VoucherPaymentMethod(ledger, new VoucherPage(ctx.options.currencies)));
    ctx.registerRoutingStrategy(preferredBanks(ctx.options.preferredBanks));
    ctx.registerApiRoutes('/vouchers', voucherRoutes(ledger, ctx.options));
    ctx.registerScreen(vouchersScreen(ledger, ctx.options));
  },
});
