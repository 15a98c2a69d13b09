/**
 * The sandbox bank's personal accounts for payments from a personal account
 * (docs/certificates.md). Balances are fixed: the sandbox keeps no state, so every
 * gateway process gives the same answer to the same debit.
 */
export interface TestAccount {
  /** Available balance in minor units of `currency`. */
  readonly balance: number;
  readonly currency: string;
  readonly blocked: boolean;
}

export const TEST_ACCOUNTS: Readonly<Record<string, TestAccount>> = {
  '40817810000000000001': { balance: 100_000_000, currency: 'RUB', blocked: false },
  '40817810000000000002': { balance: 10_000, currency: 'RUB', blocked: false },
  '40817810000000000003': { balance: 100_000_000, currency: 'RUB', blocked: true },
  '40817840000000000001': { balance: 1_000_000, currency: 'USD', blocked: false },
};
