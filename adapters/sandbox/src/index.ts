import { TenderPlugin } from '@tender/core';
import { SandboxBankAdapter } from './sandbox-bank.adapter';

export { SandboxBankAdapter, SandboxOptions } from './sandbox-bank.adapter';
export { TEST_CARDS, TestCardBehaviour } from './test-cards';
export { TEST_ACCOUNTS, TestAccount } from './test-accounts';

/** Registers the sandbox bank. Latency can be simulated with TENDER_SANDBOX_LATENCY_MS. */
export const plugin: TenderPlugin = {
  name: '@tender/adapter-sandbox',
  version: '0.1.0',
  coreRange: '^0.1.0',
  register(ctx) {
    const latency = Number(process.env.TENDER_SANDBOX_LATENCY_MS ?? '0');
    ctx.registerBankAdapter(new SandboxBankAdapter({ latencyMs: Number.isFinite(latency) && latency > 0 ? latency : 0 }));
  },
};

export default plugin;
