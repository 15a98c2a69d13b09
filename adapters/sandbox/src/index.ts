import { definePlugin } from '@tender/core';
import { z } from 'zod';
import { SandboxBankAdapter } from './sandbox-bank.adapter';
import { sandboxAcsRoutes } from './sandbox-acs.routes';
import { SANDBOX_ACS_PATH } from './sandbox-three-d-secure';

export { SandboxBankAdapter, SandboxOptions } from './sandbox-bank.adapter';
export { SandboxAuthorizationFacts } from './sandbox-ledger';
export { TEST_CARDS, TestCardBehaviour } from './test-cards';
export { TEST_ACCOUNTS, TestAccount } from './test-accounts';
export { SANDBOX_ACS_PATH, SANDBOX_CHALLENGE_CODE, SandboxThreeDSecureServer, signedCres } from './sandbox-three-d-secure';

/**
 * The sandbox bank and its simulated 3-D Secure ACS (at its historic public path
 * /sandbox/3ds). Option `latencyMs` (TENDER_PLUGIN_SANDBOX_LATENCY_MS, formerly
 * TENDER_SANDBOX_LATENCY_MS) delays each answer, to see how a shop copes with a slow bank.
 */
export const plugin = definePlugin({
  name: '@tender/adapter-sandbox',
  version: '0.1.0',
  coreRange: '^0.1.0',
  options: z.object({
    latencyMs: z.number().int().min(0).max(600_000).default(0),
  }),
  setup(ctx) {
    ctx.registerBankAdapter(new SandboxBankAdapter({ latencyMs: ctx.options.latencyMs }));
    ctx.registerRoutes(SANDBOX_ACS_PATH, sandboxAcsRoutes(), { publicPaths: [SANDBOX_ACS_PATH] });
  },
});

export default plugin;
