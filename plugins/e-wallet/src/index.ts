/**
 * @tender/plugin-e-wallet: e-wallet payments by redirect, YooMoney/QIWI style (docs/e-wallets.md).
 */
export { plugin, plugin as default } from './e-wallet.plugin';
export { WalletProvider, WalletPaymentCreated, WalletPaymentRefused, WalletPaymentStatus, WalletNotification } from './wallet-provider';
export { WalletAdapter, WALLET_CAPABILITY } from './wallet.adapter';
export { EWalletPaymentMethod, eWalletInputSchema, EWalletInput } from './e-wallet.method';
export { receiveWalletNotification, walletNotificationRoutes } from './wallet-notifications';
export { SandboxWallet, SandboxWalletPayment, SANDBOX_WALLET_CODE, SANDBOX_WALLET_SIGNATURE_HEADER } from './sandbox/sandbox-wallet';
export { eWalletOptions, EWalletOptions } from './options';
export { runWalletProviderConformance } from './wallet-provider.conformance';
