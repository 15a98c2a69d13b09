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
 * How many operations the sandbox bank remembers (answers, money entries and what
 * each authorization told it): together about a kilobyte per payment, so about 20
 * MB at most for a gateway whose test mode never stops. The 10-minute bench soak
 * (128,000 test payments) found the ledger growing without end before this bound.
 */
export const SANDBOX_MEMORY = 20_000;

/**
 * The sandbox bank's memory: every answer by reference (a retry gets the same
 * answer, an inquiry finds it), and the money of each approved authorization or
 * account debit: captured, refunded, voided. Account balances are the test
 * account's opening balance less its holds and debits, plus what voids and refunds
 * gave back. Kept in the process: a gateway restarted, or another process, knows
 * only the answers it gave itself and falls back to the stateless rules
 * (docs/testing.md, "The sandbox bank").
 *
 * Bounded: past `capacity` references of a kind, the oldest is forgotten (Maps keep
 * insertion order), and a later operation on it meets the same stateless rules as
 * after a restart. Each account's entries are indexed, so a debit's balance check
 * reads that account's entries, not every payment the sandbox has seen.
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
  /** References of the entries that hold or took money from each account. */
  private readonly byAccount = new Map<string, Set<string>>();

  constructor(private readonly capacity = SANDBOX_MEMORY) {}

  /** Keeps what an authorization told the bank (the first time a reference is seen). */
  tell(facts: SandboxAuthorizationFacts): void {
    if (this.told.has(facts.reference)) return;
    this.told.set(facts.reference, facts);
    this.forgetOldest(this.told);
  }

  /** The authorizations this bank was asked for (the last `capacity`), oldest first. */
  authorizations(): readonly SandboxAuthorizationFacts[] {
    return [...this.told.values()];
  }

  answered(reference: string): BankResult | undefined {
    return this.answers.get(reference);
  }

  /** Remembers an answer (and returns it), so a retry of the reference gets it again. */
  remember(reference: string, result: BankResult): BankResult {
    this.answers.set(reference, result);
    this.forgetOldest(this.answers);
    return result;
  }

  open(reference: string, kind: Entry['kind'], amount: number, account: string | undefined): void {
    const paid = kind === 'sale' || kind === 'debit' ? amount : 0;
    this.entries.set(reference, { kind, amount, account, captured: paid, refunded: 0, voided: false });
    if (account !== undefined) {
      let references = this.byAccount.get(account);
      if (references === undefined) this.byAccount.set(account, (references = new Set()));
      references.add(reference);
    }
    const forgotten = this.forgetOldest(this.entries);
    if (forgotten?.entry.account !== undefined) this.byAccount.get(forgotten.entry.account)?.delete(forgotten.reference);
  }

  entry(reference: string): Entry | undefined {
    return this.entries.get(reference);
  }

  /** What an account's holds and debits take from its balance now. */
  spentFrom(account: string): number {
    let spent = 0;
    for (const reference of this.byAccount.get(account) ?? []) {
      const e = this.entries.get(reference);
      if (e === undefined || e.voided) continue;
      spent += e.captured > 0 ? e.captured - e.refunded : e.amount;
    }
    return spent;
  }

  /** How many references of each kind the ledger holds now (for tests of its bound). */
  size(): { answers: number; entries: number; authorizations: number } {
    return { answers: this.answers.size, entries: this.entries.size, authorizations: this.told.size };
  }

  /** Drops the oldest reference of `map` once it holds more than `capacity`; returns what it dropped. */
  private forgetOldest<V>(map: Map<string, V>): { reference: string; entry: V } | undefined {
    if (map.size <= this.capacity) return undefined;
    const oldest = map.entries().next();
    if (oldest.done === true) return undefined;
    const [reference, entry] = oldest.value;
    map.delete(reference);
    return { reference, entry };
  }
}
