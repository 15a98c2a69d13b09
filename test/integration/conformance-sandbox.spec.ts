import { runBankAdapterConformance } from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';

runBankAdapterConformance({ describe, it, before, after }, {
  name: 'sandbox',
  async create() {
    return { adapter: new SandboxBankAdapter(), connection: { bankMerchantId: undefined, terminalId: undefined }, currency: 'RUB' };
  },
});
