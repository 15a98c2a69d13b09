import { BankResult, Database } from '@tender/core';
import { localTime, transmissionTime } from './message-times';

/** `advice_pending`: approved in stand-in while the centre was unreachable; its advice (0120/0220) is still to be forwarded. */
export type JournalState = 'sent' | 'unsent' | 'answered' | 'reversal_pending' | 'reversed' | 'advice_pending';

/** What was sent for one operation reference; enough to retransmit it or reverse it (never the PAN). */
export interface JournalEntry {
  readonly reference: string;
  readonly mti: string;
  readonly terminalId: string;
  readonly bankMerchantId: string;
  readonly stan: string;
  readonly rrn: string;
  /** Field 7, MMDDhhmmss (UTC). */
  readonly transmitted: string;
  readonly localTime: string;
  readonly localDate: string;
  readonly amount: number;
  /** ISO 4217 numeric. */
  readonly currency: string;
  readonly state: JournalState;
  readonly answer: BankResult | undefined;
  readonly reversalStan: string | undefined;
  /** The payment the message belongs to (for operator alerts); undefined on rows from before migration 020. */
  readonly paymentId: string | undefined;
  /** How many times the reversal was sent (0400, then 0420, then 0421 repeats). */
  readonly reversalTries: number;
  /** When the reversal was first sent (its own fields 7/12/13), epoch ms. */
  readonly reversalAt: number | undefined;
  /** The last field 39 the bank answered the reversal with. */
  readonly reversalCode: string | undefined;
  /** The card's PAN sealed with the key ring (authorizations only; Sealer with the reference as AAD). */
  readonly panSealed: string | undefined;
  /** The payer's account (field 102) when this is an account debit. */
  readonly account: string | undefined;
  /** Field 3 as sent (a refund is a 0200 with 20xxxx). */
  readonly processingCode: string | undefined;
  /** A stand-in approval's advice fields, sealed (Sealer, the reference as AAD). */
  readonly adviceSealed: string | undefined;
}

/** Totals of one terminal and currency for a cut-over, and the rows they came from. */
export interface BatchTotals {
  readonly terminalId: string;
  readonly bankMerchantId: string;
  readonly currency: string;
  readonly debits: number;
  readonly debitAmount: number;
  readonly credits: number;
  readonly creditAmount: number;
  readonly references: readonly string[];
}

/** STAN (n6, 1..999999) and RRN (an12) numbering from one persistent counter. */
export function stanOf(n: number): string {
  return String(((n - 1) % 999_999) + 1).padStart(6, '0');
}

/** RRN: last digit of the year, day of the year, then the counter: unique within a day below 10^8 messages. */
export function rrnOf(n: number, at: Date): string {
  const start = Date.UTC(at.getUTCFullYear(), 0, 0);
  const day = Math.floor((at.getTime() - start) / 86_400_000);
  return `${at.getUTCFullYear() % 10}${String(day).padStart(3, '0')}${String(n % 100_000_000).padStart(8, '0')}`;
}

function fromRow(row: Record<string, unknown>): JournalEntry {
  return {
    reference: String(row.reference),
    mti: String(row.mti),
    terminalId: String(row.terminal_id),
    bankMerchantId: String(row.bank_merchant_id),
    stan: String(row.stan),
    rrn: String(row.rrn),
    transmitted: String(row.transmitted),
    localTime: String(row.local_time),
    localDate: String(row.local_date),
    amount: Number(row.amount),
    currency: String(row.currency),
    state: row.state as JournalState,
    answer: row.answer === null || row.answer === undefined ? undefined : (JSON.parse(String(row.answer)) as BankResult),
    reversalStan: row.reversal_stan === null || row.reversal_stan === undefined ? undefined : String(row.reversal_stan),
    paymentId: row.payment_id === null || row.payment_id === undefined ? undefined : String(row.payment_id),
    reversalTries: Number(row.reversal_tries ?? 0),
    reversalAt: row.reversal_at === null || row.reversal_at === undefined ? undefined : Number(row.reversal_at),
    reversalCode: row.reversal_code === null || row.reversal_code === undefined ? undefined : String(row.reversal_code),
    panSealed: row.pan_sealed === null || row.pan_sealed === undefined ? undefined : String(row.pan_sealed),
    account: row.account === null || row.account === undefined ? undefined : String(row.account),
    processingCode: row.processing_code === null || row.processing_code === undefined ? undefined : String(row.processing_code),
    adviceSealed: row.advice_sealed === null || row.advice_sealed === undefined ? undefined : String(row.advice_sealed),
  };
}

/**
 * The adapter's memory in the gateway's database (tables from migrations 005 and 020):
 * every gateway process numbers messages from the same counter and finds a
 * reference's STAN after a restart, so retries and reversals name the original.
 *
 * @example
 * ```ts
 * const entry = await journal.open('op_123', 'pay_1', '0200', { terminalId: 'T0000001', bankMerchantId: 'M1' }, 1000, '643');
 * await journal.answer('op_123', { kind: 'approved', authorizationCode: '123456', rrn: entry.rrn, bankReference: entry.rrn });
 * ```
 */
export class IsoJournal {
  /** Numbers reserved by this process and not yet handed out: [next, end). */
  private block: { next: number; end: number } | undefined;
  private reserving: Promise<void> | undefined;

  /**
   * `blockSize`: how many numbers one counter update reserves for this process. The
   * counter is one row every authorization of every process would otherwise lock
   * until its commit's fsync, serialising numbering across the cluster
   * (docs/performance.md); with blocks, one authorization in `blockSize` touches it.
   * A restart forgets the rest of its block, so numbers may skip; they never repeat.
   */
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
    private readonly blockSize = 100,
    /** The card acceptor's time zone for fields 12/13 (IANA). */
    private readonly timeZone = 'UTC',
    /** The processing centre (adapter code) this journal writes for; rows are shared, reversals are repeated per centre. */
    private readonly adapterCode = 'iso8583',
  ) {}

  /** The next message number: unique across processes (each reserves its own blocks), increasing within one. */
  async nextNumber(): Promise<number> {
    for (;;) {
      const block = this.block;
      if (block !== undefined && block.next < block.end) return block.next++;
      // One reservation at a time; concurrent callers wait for it and draw from it.
      this.reserving ??= this.reserve().finally(() => {
        this.reserving = undefined;
      });
      await this.reserving;
    }
  }

  /** One UPDATE takes the row lock, so two processes never reserve the same numbers. */
  private async reserve(): Promise<void> {
    const end = await this.db.transaction(async (trx) => {
      await trx('iso8583_counters').where({ name: 'message' }).increment('value', this.blockSize);
      const row = (await trx('iso8583_counters').where({ name: 'message' }).first()) as { value: number | string };
      return Number(row.value) + 1;
    });
    this.block = { next: end - this.blockSize, end };
  }

  async nextStan(): Promise<string> {
    return stanOf(await this.nextNumber());
  }

  async find(reference: string): Promise<JournalEntry | undefined> {
    const row = (await this.db('iso8583_journal').where({ reference }).first()) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** The entry for a reference: the existing one on a retry (`fresh: false`), or a freshly numbered one. */
  async open(
    reference: string,
    paymentId: string,
    mti: string,
    terms: { terminalId: string; bankMerchantId: string },
    amount: number,
    currency: string,
    payer: { panSealed?: string; account?: string; processingCode?: string } = {},
  ): Promise<JournalEntry & { readonly fresh: boolean }> {
    // Insert first, read only when the reference is already there (a retry): a fresh
    // authorization, the common case, costs one statement. A retry skips one number.
    const n = await this.nextNumber();
    const at = new Date(this.now());
    const local = localTime(at.getTime(), this.timeZone);
    const row = {
      reference,
      payment_id: paymentId,
      adapter_code: this.adapterCode,
      mti,
      terminal_id: terms.terminalId,
      bank_merchant_id: terms.bankMerchantId,
      stan: stanOf(n),
      rrn: rrnOf(n, at),
      transmitted: transmissionTime(at.getTime()),
      local_time: local.time,
      local_date: local.date,
      amount,
      currency,
      state: 'sent',
      reversal_tries: 0,
      pan_sealed: payer.panSealed ?? null,
      account: payer.account ?? null,
      processing_code: payer.processingCode ?? null,
      created_at: at.getTime(),
      updated_at: at.getTime(),
    };
    try {
      await this.db('iso8583_journal').insert(row);
    } catch (error) {
      // A retry, or another process opened the same reference first: use its numbers.
      const raced = await this.find(reference);
      if (raced !== undefined) return { ...raced, fresh: false };
      throw error;
    }
    return { ...fromRow(row), fresh: true };
  }

  async setState(
    reference: string,
    state: JournalState,
    extra: { answer?: BankResult; reversalStan?: string; reversalTries?: number; reversalAt?: number; reversalCode?: string; adviceSealed?: string } = {},
  ): Promise<void> {
    const patch: Record<string, unknown> = { state, updated_at: this.now() };
    if (extra.answer !== undefined) patch.answer = JSON.stringify(extra.answer);
    if (extra.reversalStan !== undefined) patch.reversal_stan = extra.reversalStan;
    if (extra.reversalTries !== undefined) patch.reversal_tries = extra.reversalTries;
    if (extra.reversalAt !== undefined) patch.reversal_at = extra.reversalAt;
    if (extra.reversalCode !== undefined) patch.reversal_code = extra.reversalCode;
    if (extra.adviceSealed !== undefined) patch.advice_sealed = extra.adviceSealed;
    await this.db('iso8583_journal').where({ reference }).update(patch);
  }

  /**
   * The open batches of this centre: per terminal and currency, the approved debits
   * (purchases 0200, completions 0220, account debits) and credits (refunds 0200
   * 20xxxx) not yet in a cut-over. Authorizations (holds) and voids move no money;
   * reversed requests were never approved.
   */
  async openBatches(): Promise<BatchTotals[]> {
    const rows = (await this.db('iso8583_journal').where({ adapter_code: this.adapterCode, state: 'answered' }).whereNull('batch')) as Record<
      string,
      unknown
    >[];
    const groups = new Map<
      string,
      {
        terminalId: string;
        bankMerchantId: string;
        currency: string;
        debits: number;
        debitAmount: number;
        credits: number;
        creditAmount: number;
        references: string[];
      }
    >();
    for (const entry of rows.map(fromRow)) {
      if (entry.answer?.kind !== 'approved') continue;
      const credit = entry.mti === '0200' && (entry.processingCode ?? '').startsWith('20');
      const debit = !credit && (entry.mti === '0200' || entry.mti === '0220');
      if (!credit && !debit) continue;
      const key = `${entry.terminalId}:${entry.currency}`;
      const g = groups.get(key) ?? {
        terminalId: entry.terminalId,
        bankMerchantId: entry.bankMerchantId,
        currency: entry.currency,
        debits: 0,
        debitAmount: 0,
        credits: 0,
        creditAmount: 0,
        references: [],
      };
      groups.set(key, g);
      if (credit) {
        g.credits++;
        g.creditAmount += entry.amount;
      } else {
        g.debits++;
        g.debitAmount += entry.amount;
      }
      g.references.push(entry.reference);
    }
    return [...groups.values()];
  }

  /** Marks rows as counted in the cut-over `batch`. */
  async closeBatch(batch: string, references: readonly string[]): Promise<void> {
    for (let i = 0; i < references.length; i += 500)
      await this.db('iso8583_journal')
        .whereIn('reference', references.slice(i, i + 500))
        .update({ batch });
  }

  /** Stand-in approvals whose advice the centre has not acknowledged yet. */
  async listAdvicesPending(limit = 50): Promise<JournalEntry[]> {
    const rows = (await this.db('iso8583_journal')
      .where({ state: 'advice_pending', adapter_code: this.adapterCode })
      .orderBy('updated_at', 'asc')
      .limit(limit)) as Record<string, unknown>[];
    return rows.map(fromRow);
  }

  /** Reversals not yet approved by the bank (unanswered or refused): repeated (0420, 0421) until they are. */
  async listReversalsPending(limit = 50): Promise<JournalEntry[]> {
    const rows = (await this.db('iso8583_journal')
      .where({ state: 'reversal_pending', adapter_code: this.adapterCode })
      .orderBy('updated_at', 'asc')
      .limit(limit)) as Record<string, unknown>[];
    return rows.map(fromRow);
  }
}
