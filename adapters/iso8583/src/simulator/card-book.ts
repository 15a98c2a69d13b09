import fs from 'node:fs';

/**
 * What the simulator answers for a card (the sandbox's test cards); any other card
 * gets 14. A `1A` card (authentication required) is approved when the request carries
 * a 3-D Secure result (a CAVV in the private field).
 */
export const SIMULATOR_CARDS: Readonly<Record<string, string>> = {
  '4242424242424242': '00',
  '5555555555554444': '00',
  '2200000000000004': '00',
  '4000000000000002': '05',
  '4000000000009995': '51',
  '4000000000000069': '54',
  '4000000000000127': 'N7',
  '4000000000000119': '96',
  // The issuer asks for 3-D Secure on buyer-present payments (merchant-initiated ones are approved: SIMULATOR_CARDS_MERCHANT_INITIATED).
  '4000000000003220': '1A',
  // The issuer asks for authentication on every payment, merchant-initiated ones included.
  '4000002760003184': '1A',
  // Authorized at the bank, but the answer never leaves it.
  '4000000000000259': 'silent',
};

/** What the simulator answers instead for a merchant-initiated payment (no cardholder to authenticate). */
export const SIMULATOR_CARDS_MERCHANT_INITIATED: Readonly<Record<string, string>> = {
  '4000000000003220': '00',
};

/**
 * Personal accounts (field 102) the simulator debits, as the sandbox's test accounts
 * (docs/certificates.md): opening balance in minor units, ISO 4217 numeric currency,
 * and `62` for a blocked account.
 */
export const SIMULATOR_ACCOUNTS: Readonly<Record<string, { readonly balance: number; readonly currency: string; readonly blocked: boolean }>> = {
  '40817810000000000001': { balance: 100_000_000, currency: '643', blocked: false },
  '40817810000000000002': { balance: 10_000, currency: '643', blocked: false },
  '40817810000000000003': { balance: 100_000_000, currency: '643', blocked: true },
  '40817840000000000001': { balance: 1_000_000, currency: '840', blocked: false },
};

/** The ledger key of an account (field 102), apart from card numbers. */
export function accountKey(number: string): string {
  return `acct:${number}`;
}

/** How many received card authorizations the simulator keeps for tests to read (the most recent). */
const RECEIVED_KEPT = 10_000;

/**
 * How many answers the simulator keeps for retransmission detection (the most recent).
 * An acquirer repeats a request after its answer timeout, or when its link comes back;
 * the window is counted in requests, not time, so it does not run out while a link is
 * down (no requests arrive then). At 1,000 requests a second it covers the last 100 s.
 * An older request repeated is processed afresh; a reversal of a reversed transaction
 * changes nothing. Without a bound the answers grew with every request, echoes
 * included: 1.8 GiB after 30 s of echo load.
 */
export const ANSWERS_KEPT = 100_000;

/** Every card starts with this balance, in minor units. */
export const OPENING_BALANCE = 10_000_000;

export interface CardAccount {
  available: number;
  held: number;
  /** Captured minus refunded: what the cardholder has actually paid. */
  charged: number;
}

export interface SimTransaction {
  readonly rrn: string;
  /** Terminal (41) and currency (49) of its batch. */
  readonly terminal?: string;
  readonly currency?: string;
  readonly pan: string;
  readonly originalKey: string;
  readonly amount: number;
  held: number;
  captured: number;
  refunded: number;
  reversed: boolean;
  /** The network reference the simulator gave the approved card payment (`NR`), which later merchant-initiated payments name. */
  readonly networkReference?: string;
}

/**
 * One card authorization or purchase (0100/0200, not a refund or a repeat) as the
 * simulator received it, for tests to read (`GET /state`, `authorizations`): never the
 * PAN (last 4 digits) nor the CVV2 (whether one came).
 */
export interface ReceivedAuthorization {
  readonly mti: string;
  readonly stan: string;
  readonly rrn: string;
  readonly last4: string;
  readonly amount: number;
  /** Field 22 and field 25 as received. */
  readonly posEntryMode: string;
  readonly posCondition: string;
  /** `present` (CV 1 + value), `not_given` (CV 9), `absent` (no CV tag). */
  readonly cvv2: 'present' | 'not_given' | 'absent';
  /** The request carried 3-D Secure data (EC/CA). */
  readonly threeDSecure: boolean;
  readonly storedCredential?: {
    readonly initiator: string;
    readonly sequence: string;
    readonly reason: string | undefined;
    readonly originalReference: string | undefined;
  };
  readonly verification: boolean;
  readonly responseCode: string;
  readonly networkReference?: string;
}

/** Batch totals of one terminal and currency since its last cut-over (0500). */
export interface BatchTotals {
  debits: number;
  debitAmount: number;
  credits: number;
  creditAmount: number;
}

/** The ledger in memory; the answers are kept apart, in CardBook's bounded Map. */
interface BookState {
  accounts: Record<string, CardAccount>;
  transactions: SimTransaction[];
  /** Open batches by `terminal:currency`. */
  batches?: Record<string, BatchTotals>;
  /** Card authorizations and purchases received, in order (card on file, verification). */
  authorizations?: ReceivedAuthorization[];
}

/** The state file: the ledger and the answers kept, so a restarted simulator still recognises a retransmission. */
interface BookFile extends BookState {
  /** Answers already given, by request key, oldest first: a retransmission gets the same answer. */
  answers: Record<string, Record<string, string>>;
}

/**
 * The simulator's ledger: card balances, holds and transactions, optionally
 * written to a file after every change so a killed simulator restarts knowing
 * what it authorized (as a real bank would).
 */
export class CardBook {
  private readonly state: BookState = { accounts: {}, transactions: [] };
  /** The answers by request key, oldest first (a Map keeps insertion order), at most `answersKept`. */
  private readonly answers = new Map<string, Record<string, string>>();
  /** The transactions by RRN, by original key and by network reference: the first of each, as a scan would find it. */
  private readonly byRrnIndex = new Map<string, SimTransaction>();
  private readonly byOriginalKeyIndex = new Map<string, SimTransaction>();
  private readonly byNetworkReferenceIndex = new Map<string, SimTransaction>();

  /**
   * @param file where the state is kept across restarts (`undefined`: in memory only)
   * @param answersKept how many answers are kept for retransmissions (ANSWERS_KEPT)
   */
  constructor(
    private readonly file: string | undefined,
    private readonly answersKept = ANSWERS_KEPT,
  ) {
    // Silently wrong otherwise: NaN keeps no answers, a fraction its whole part, and Infinity every answer (the growth the window stops).
    if (!Number.isSafeInteger(answersKept) || answersKept < 0)
      throw new RangeError(`answersKept must be a whole number of answers, 0 or more, not ${String(answersKept)}`);
    if (file !== undefined && fs.existsSync(file)) {
      const { answers, ...ledger } = JSON.parse(fs.readFileSync(file, 'utf8')) as BookFile;
      this.state = ledger;
      for (const [key, answer] of Object.entries(answers)) this.remember(key, answer);
    }
    for (const tx of this.state.transactions) this.index(tx);
  }

  /** A card's (by PAN) or a personal account's (by accountKey) balances, opened at `opening` the first time. */
  account(pan: string, opening = OPENING_BALANCE): CardAccount {
    const existing = this.state.accounts[pan];
    if (existing !== undefined) return existing;
    const fresh = { available: opening, held: 0, charged: 0 };
    this.state.accounts[pan] = fresh;
    return fresh;
  }

  accounts(): Readonly<Record<string, CardAccount>> {
    return this.state.accounts;
  }

  answerFor(key: string): Record<string, string> | undefined {
    return this.answers.get(key);
  }

  /** Keeps the answer to a request, dropping the oldest beyond `answersKept`. */
  remember(key: string, answer: Record<string, string>): void {
    this.answers.delete(key);
    this.answers.set(key, answer);
    if (this.answers.size <= this.answersKept) return;
    const oldest = this.answers.keys().next();
    if (oldest.done !== true) this.answers.delete(oldest.value);
  }

  /** How many answers are kept for retransmissions. */
  answersKeptCount(): number {
    return this.answers.size;
  }

  add(tx: SimTransaction): void {
    this.state.transactions.push(tx);
    this.index(tx);
  }

  private index(tx: SimTransaction): void {
    if (!this.byRrnIndex.has(tx.rrn)) this.byRrnIndex.set(tx.rrn, tx);
    if (!this.byOriginalKeyIndex.has(tx.originalKey)) this.byOriginalKeyIndex.set(tx.originalKey, tx);
    if (tx.networkReference !== undefined && !this.byNetworkReferenceIndex.has(tx.networkReference)) this.byNetworkReferenceIndex.set(tx.networkReference, tx);
  }

  /** Adds to the open batch of a terminal and currency (negative to take a reversed debit out). */
  addToBatch(terminal: string, currency: string, kind: 'debit' | 'credit', amount: number, count: number): void {
    const batches = (this.state.batches ??= {});
    const key = `${terminal.trimEnd()}:${currency}`;
    const b = (batches[key] ??= { debits: 0, debitAmount: 0, credits: 0, creditAmount: 0 });
    if (kind === 'debit') {
      b.debits += count;
      b.debitAmount += amount;
    } else {
      b.credits += count;
      b.creditAmount += amount;
    }
  }

  /** The open batch's totals, and (when `close`) a new batch begun. */
  batch(terminal: string, currency: string, close: boolean): BatchTotals {
    const key = `${terminal.trimEnd()}:${currency}`;
    const totals = this.state.batches?.[key] ?? { debits: 0, debitAmount: 0, credits: 0, creditAmount: 0 };
    if (close && this.state.batches !== undefined) delete this.state.batches[key];
    return totals;
  }

  byRrn(rrn: string): SimTransaction | undefined {
    return this.byRrnIndex.get(rrn);
  }

  /** The approved card payment that got this network reference. */
  byNetworkReference(reference: string): SimTransaction | undefined {
    return this.byNetworkReferenceIndex.get(reference);
  }

  /** Keeps the last RECEIVED_KEPT requests, so a long benchmark run does not grow the state without end. */
  recordAuthorization(received: ReceivedAuthorization): void {
    const list = (this.state.authorizations ??= []);
    list.push(received);
    if (list.length > RECEIVED_KEPT) list.splice(0, list.length - RECEIVED_KEPT);
  }

  authorizations(): readonly ReceivedAuthorization[] {
    return this.state.authorizations ?? [];
  }

  byOriginalKey(key: string): SimTransaction | undefined {
    return this.byOriginalKeyIndex.get(key);
  }

  save(): void {
    if (this.file === undefined) return;
    const tmp = `${this.file}.tmp`;
    const file: BookFile = { ...this.state, answers: Object.fromEntries(this.answers) };
    fs.writeFileSync(tmp, JSON.stringify(file));
    fs.renameSync(tmp, this.file);
  }
}
