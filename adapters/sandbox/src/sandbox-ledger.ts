import { BankResult, StoredCredential } from '@tender/core';

/**
 * What the sandbox bank was told with an authorization, for tests to read: the
 * stored-credential facts, whether it only verifies the card, whether a CVC came
 * (never the CVC itself, nor the PAN: only its last 4).
 */
export interface SandboxAuthorizationFacts {
  readonly reference: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly capture: boolean;
  readonly last4: string;
  readonly cvcGiven: boolean;
  readonly initiator: StoredCredential['initiator'] | undefined;
  readonly sequence: StoredCredential['sequence'] | undefined;
  readonly reason: StoredCredential['reason'] | undefined;
  readonly originalReference: string | undefined;
  readonly verification: boolean;
}

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
  private readonly told = new Map<string, SandboxAuthorizationFacts>();

  /** Keeps what an authorization told the bank (the first time a reference is seen). */
  tell(facts: SandboxAuthorizationFacts): void {
    if (!this.told.has(facts.reference)) this.told.set(facts.reference, facts);
  }

  /** The authorizations this bank was asked for, oldest first. */
  authorizations(): readonly SandboxAuthorizationFacts[] {
    return [...this.told.values()];
  }

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
