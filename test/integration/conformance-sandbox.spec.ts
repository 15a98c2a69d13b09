import { runBankAdapterConformance } from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';

runBankAdapterConformance(
  { describe, it, before, after },
  {
    name: 'sandbox',
    async create() {
      return {
        adapter: new SandboxBankAdapter(),
        connection: { bankMerchantId: undefined, terminalId: undefined },
        currency: 'RUB',
        account: '40817810000000000002',
        declineCodes: { do_not_honor: '05', insufficient_funds: '51', expired_card: '54', incorrect_cvc: 'N7' },
      };
    },
  },
);
