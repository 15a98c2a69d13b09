import { TenderPlugin } from '@tender/core';
import { SandboxBankAdapter } from './sandbox-bank.adapter';
import { sandboxAcsRoutes } from './sandbox-acs.routes';
import { SANDBOX_ACS_PATH } from './sandbox-three-d-secure';

export { SandboxBankAdapter, SandboxOptions } from './sandbox-bank.adapter';
export { TEST_CARDS, TestCardBehaviour } from './test-cards';
export { TEST_ACCOUNTS, TestAccount } from './test-accounts';
export { SANDBOX_ACS_PATH, SANDBOX_CHALLENGE_CODE, SandboxThreeDSecureServer, signedCres } from './sandbox-three-d-secure';

/** Registers the sandbox bank and its simulated 3-D Secure ACS. Latency can be simulated with TENDER_SANDBOX_LATENCY_MS. */
export const plugin: TenderPlugin = {
  name: '@tender/adapter-sandbox',
  version: '0.1.0',
  coreRange: '^0.1.0',
  register(ctx) {
    const latency = Number(process.env.TENDER_SANDBOX_LATENCY_MS ?? '0');
    ctx.registerBankAdapter(new SandboxBankAdapter({ latencyMs: Number.isFinite(latency) && latency > 0 ? latency : 0 }));
    ctx.registerRoutes(SANDBOX_ACS_PATH, sandboxAcsRoutes());
  },
};

export default plugin;
