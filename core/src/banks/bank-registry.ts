import { injectAll, injectable } from 'tsyringe';
import { BANK_ADAPTER, BankAdapter } from './bank-adapter';

export class UnknownBankAdapterError extends Error {
  constructor(code: string, known: readonly string[]) {
    super(`no bank adapter with code '${code}' is registered (registered: ${known.join(', ') || 'none'})`);
  }
}

/**
 * Every registered BankAdapter, looked up by its unique code. Two adapters with one
 * code are a start-up error, and so is a connection naming an unknown code.
 */
@injectable()
export class BankRegistry {
  private readonly byCode = new Map<string, BankAdapter>();

  constructor(@injectAll(BANK_ADAPTER) adapters: BankAdapter[]) {
    for (const adapter of adapters) {
      if (this.byCode.has(adapter.code)) throw new Error(`two bank adapters share the code '${adapter.code}'`);
      this.byCode.set(adapter.code, adapter);
    }
  }

  get(code: string): BankAdapter {
    const adapter = this.byCode.get(code);
    if (adapter === undefined) throw new UnknownBankAdapterError(code, [...this.byCode.keys()]);
    return adapter;
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  all(): BankAdapter[] {
    return [...this.byCode.values()];
  }
}
