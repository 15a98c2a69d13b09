import { BankResult } from '@tender/core';

/** One operation the sandbox bank answered with money in it. */
interface Entry {
  readonly kind: 'authorize' | 'sale' | 'debit_hold' | 'debit';
  readonly amount: number;
  readonly account: string | undefined;
  captured: number;
  refunded: number;
  voided: boolean;
}

/**
 * The sandbox bank's memory: every answer by reference (a retry gets the same
 * answer, an inquiry finds it), and the money of each approved authorization or
 * account debit: captured, refunded, voided. Account balances are the test
 * account's opening balance less its holds and debits, plus what voids and refunds
 * gave back. Kept in the process: a gateway restarted, or another process, knows
 * only the answers it gave itself and falls back to the stateless rules
 * (docs/testing.md, "The sandbox bank").
 *
 * @example
 * ```ts
 * const ledger = new SandboxLedger();
 * ledger.open('op_1', 'debit', 5_000, '40817810000000000002');
 * ledger.spentFrom('40817810000000000002'); // 5000
 * ```
 */
export class SandboxLedger {
  private readonly answers = new Map<string, BankResult>();
  private readonly entries = new Map<string, Entry>();

  answered(reference: string): BankResult | undefined {
    return this.answers.get(reference);
  }

  /** Remembers an answer (and returns it), so a retry of the reference gets it again. */
  remember(reference: string, result: BankResult): BankResult {
    this.answers.set(reference, result);
    return result;
  }

  open(reference: string, kind: Entry['kind'], amount: number, account: string | undefined): void {
    const paid = kind === 'sale' || kind === 'debit' ? amount : 0;
    this.entries.set(reference, { kind, amount, account, captured: paid, refunded: 0, voided: false });
  }

  entry(reference: string): Entry | undefined {
    return this.entries.get(reference);
  }

  /** What an account's holds and debits take from its balance now. */
  spentFrom(account: string): number {
    let spent = 0;
    for (const e of this.entries.values()) {
      if (e.account !== account || e.voided) continue;
      spent += e.captured > 0 ? e.captured - e.refunded : e.amount;
    }
    return spent;
  }
}
