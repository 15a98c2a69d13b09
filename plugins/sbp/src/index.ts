/**
 * @tender/plugin-sbp: SBP (Faster Payments System) QR payments (docs/sbp.md).
 */
export { plugin, plugin as default } from './sbp.plugin';
export { SbpBank, RegisteredQr, QrRefused, SbpNotification, SbpPaymentStatus, SbpRefundStatus } from './sbp-bank';
export { SbpBankAdapter, SBP_CAPABILITY } from './sbp-bank.adapter';
export { SbpPaymentMethod, sbpInputSchema, SbpInput } from './sbp.method';
export { receiveSbpNotification, sbpNotificationRoutes } from './sbp-notifications';
export { SandboxSbpBank, SandboxQr, SANDBOX_SBP_CODE, SANDBOX_SBP_SIGNATURE_HEADER } from './sandbox/sandbox-sbp-bank';
export { sbpOptions, SbpOptions } from './options';
export { qrImageDataUrl } from './qr-image';
export { runSbpBankConformance } from './sbp-bank.conformance';
