import { FixedClock, TenderPlugin } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { TestGateway, startTestGateway } from './test-gateway';
import { MerchantClient } from './merchant-client';

/** A gateway with a method the buyer completes elsewhere (SBP, e-wallet), a clock the test moves, and a test-mode merchant. */
export interface AwaitedMethodGateway {
  readonly t: TestGateway;
  readonly api: MerchantClient;
  readonly clock: FixedClock;
}

/**
 * Starts the gateway with `plugin` beside the default ones, on a FixedClock (expiry
 * is tested by advancing it), with the plugin's options in `env`.
 *
 * @example
 * ```ts
 * const { t, api, clock } = await startAwaitedMethodGateway(sbpPlugin, { TENDER_PLUGIN_SBP_SANDBOX_SECRET: secret });
 * ```
 */
export async function startAwaitedMethodGateway(plugin: TenderPlugin, env: Record<string, string>): Promise<AwaitedMethodGateway> {
  const clock = new FixedClock(Date.now());
  const t = await startTestGateway({ clock, plugins: [sandboxPlugin, accountsPlugin, plugin], env });
  return { t, clock, api: new MerchantClient(t.gateway.app, (await t.createMerchant()).key) };
}
