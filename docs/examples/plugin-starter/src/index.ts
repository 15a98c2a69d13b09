/**
 * tender-plugin-starter: the package's public surface. The gateway needs only
 * `plugin` (or the default export); the rest is exported for tests and for plugins
 * that build on it.
 */
export { plugin, plugin as default } from './plugin';
export { starterOptions, StarterOptions } from './options';
export { migrations } from './migrations';
export { VoucherLedger, Voucher, VoucherOwner, Redemption } from './vouchers/voucher-ledger';
export { VoucherLedgerAdapter, VOUCHER_ADAPTER_CODE, VOUCHER_CAPABILITY } from './vouchers/voucher-ledger.adapter';
export { VoucherPaymentMethod, VoucherLookup, voucherInput } from './vouchers/voucher.method';
export { VoucherPage } from './vouchers/voucher-page';
export { newVoucherCode, normalizeVoucherCode } from './vouchers/voucher-code';
export { voucherRoutes, voucherView } from './vouchers/vouchers.routes';
export { issueSchema, minorUnitsOf, IssueInput } from './vouchers/voucher-issue';
export { preferredBanks } from './routing/preferred-banks.strategy';
export { vouchersScreen, renderVouchers } from './screens/vouchers.screen';
export { escapeHtml } from './screens/html';
