import { randomBytes } from 'node:crypto';
import { AwaitedPaymentSettler, definePlugin } from '@tender/core';
import { eWalletSandboxTables } from './migrations';
import { eWalletOptions } from './options';
import { EWalletPaymentMethod } from './e-wallet.method';
import { WalletAdapter } from './wallet.adapter';
import { receiveWalletNotification, walletNotificationRoutes } from './wallet-notifications';
import { SandboxWallet } from './sandbox/sandbox-wallet';
import { sandboxWalletRoutes } from './sandbox/sandbox-wallet.routes';

/**
 * @tender/plugin-e-wallet: e-wallet payments by redirect (docs/e-wallets.md): the
 * `e_wallet` method, the WalletProvider contract (wrapped in WalletAdapter),
 * notifications at /plugins/e-wallet/notifications/<adapter code>, and the sandbox
 * wallet with its page and test API.
 *
 * @example
 * ```ts
 * const gateway = await Gateway.create(config, { plugins: [sandboxPlugin, eWalletPlugin] });
 * ```
 */
export const plugin = definePlugin({
  name: '@tender/plugin-e-wallet',
  version: '0.1.0',
  coreRange: '^0.1.0',
  options: eWalletOptions,
  migrations: [eWalletSandboxTables],
  setup(ctx) {
    const { clock, database, config } = ctx.core;
    const settler = (): AwaitedPaymentSettler => ctx.resolve(AwaitedPaymentSettler);
    const wallet = ctx.options.sandbox
      ? new SandboxWallet(database, clock, ctx.options.sandboxSecret ?? randomBytes(32).toString('hex'), config.publicUrl)
      : undefined;
    ctx.registerPaymentMethod(new EWalletPaymentMethod(config.publicUrl, ctx.options.currencies, wallet?.code));
    if (wallet !== undefined) {
      ctx.registerBankAdapter(new WalletAdapter(wallet, clock, ctx.options.ttlMinutes * 60_000));
      wallet.notifyTo((raw, header) => receiveWalletNotification(wallet, settler(), raw, header));
      ctx.registerRoutes('/', sandboxWalletRoutes(wallet));
    }
    ctx.registerRoutes('/', walletNotificationRoutes(wallet === undefined ? [] : [wallet], settler));
  },
});
