import { randomBytes } from 'node:crypto';
import { AwaitedPaymentSettler, definePlugin } from '@tender/core';
import { sbpSandboxTables } from './migrations';
import { sbpOptions } from './options';
import { SbpBankAdapter } from './sbp-bank.adapter';
import { SbpPaymentMethod } from './sbp.method';
import { receiveSbpNotification, sbpNotificationRoutes } from './sbp-notifications';
import { SANDBOX_SBP_CODE, SandboxSbpBank } from './sandbox/sandbox-sbp-bank';
import { sandboxSbpRoutes } from './sandbox/sandbox-sbp.routes';

/**
 * @tender/plugin-sbp: SBP QR payments (docs/sbp.md). The `sbp` payment method (API
 * and hosted page), the SbpBank contract for real acquiring banks (wrapped in
 * SbpBankAdapter), notifications at /plugins/sbp/notifications/<adapter code>, and
 * the sandbox SBP bank with its tester page and test API (option `sandbox`).
 *
 * @example
 * ```ts
 * const gateway = await Gateway.create(config, { plugins: [sandboxPlugin, sbpPlugin] });
 * ```
 */
export const plugin = definePlugin({
  name: '@tender/plugin-sbp',
  version: '0.1.0',
  coreRange: '^0.1.0',
  options: sbpOptions,
  migrations: [sbpSandboxTables],
  setup(ctx) {
    const { clock, database, config } = ctx.core;
    const ttl = ctx.options.qrTtlMinutes * 60_000;
    const settler = (): AwaitedPaymentSettler => ctx.resolve(AwaitedPaymentSettler);
    const sandbox = ctx.options.sandbox
      ? new SandboxSbpBank(database, clock, ctx.options.sandboxSecret ?? randomBytes(32).toString('hex'), config.publicUrl)
      : undefined;
    ctx.registerPaymentMethod(new SbpPaymentMethod(sandbox?.code));
    if (sandbox !== undefined) {
      ctx.registerBankAdapter(new SbpBankAdapter(sandbox, clock, ttl));
      // The sandbox's decisions reach the same handler the notification endpoint uses.
      sandbox.notifyTo((raw, header) => receiveSbpNotification(sandbox, settler(), raw, header));
      ctx.registerRoutes('/', sandboxSbpRoutes(sandbox));
    }
    ctx.registerRoutes('/', sbpNotificationRoutes(sandbox === undefined ? [] : [sandbox], settler));
  },
});

export { SANDBOX_SBP_CODE };
