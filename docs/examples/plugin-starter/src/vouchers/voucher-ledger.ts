import { Clock, Database, Queryable, Transaction, inTransaction, newId } from '@tender/core';
import { newVoucherCode, normalizeVoucherCode, voucherCodeHash } from './voucher-code';

/** Whose vouchers: one merchant in one mode (every query below filters by both). */
export interface VoucherOwner {
  readonly merchantId: string;
  readonly livemode: boolean;
}

/** A voucher as the ledger reads it; amounts are integer minor units of `currency`. */
export interface Voucher {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly codeLast4: string;
  readonly currency: string;
  readonly amount: number;
  readonly balance: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a redemption takes from a voucher; `reference` is the bank operation's, so a retry is recognised. */
export interface Redemption {
  readonly reference: string;
  readonly paymentId: string;
  readonly voucherId: string;
  readonly owner: VoucherOwner;
  readonly amount: number;
  readonly currency: string;
}

export type LedgerAnswer = 'applied' | 'refused';

type OperationKind = 'redeem' | 'capture' | 'void' | 'refund';

interface VoucherRow {
  id: string;
  merchant_id: string;
  livemode: boolean | number;
  code_last4: string;
  currency: string;
  amount: number | string;
  balance: number | string;
  created_at: number | string;
  updated_at: number | string;
}

const VOUCHERS = 'starter_vouchers';
const OPERATIONS = 'starter_voucher_operations';

function voucherFromRow(row: VoucherRow): Voucher {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    // MariaDB answers booleans as 0/1, SQLite as 0/1 or true/false.
    livemode: row.livemode === true || row.livemode === 1,
    codeLast4: row.code_last4,
    currency: row.currency,
    amount: Number(row.amount),
    balance: Number(row.balance),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * The vouchers and their balances: the plugin's own table, and the one place that
 * moves a balance. A redemption is a conditional update (`balance >= amount` in the
 * WHERE clause), never a read followed by a write, so two payments racing for the
 * same voucher cannot both spend it: the database applies one, the other changes no
 * row and is refused. Each operation is recorded under its bank reference in the
 * same transaction, so a retried operation answers again without applying twice.
 *
 * @example
 * ```ts
 * const { voucher, code } = await ledger.issue({ merchantId, livemode: false }, { amount: 5000, currency: 'RUB' });
 * await ledger.redeem({ reference: 'op_1', paymentId: 'pay_1', voucherId: voucher.id, owner, amount: 3000, currency: 'RUB' }); // 'applied'
 * ```
 */
export class VoucherLedger {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Issues a voucher of `amount`; the code is returned here only and never stored. */
  async issue(owner: VoucherOwner, input: { readonly amount: number; readonly currency: string }): Promise<{ voucher: Voucher; code: string }> {
    const code = newVoucherCode();
    const normalized = normalizeVoucherCode(code);
    const now = this.clock.now();
    const id = newId('vch');
    await this.db(VOUCHERS).insert({
      id,
      merchant_id: owner.merchantId,
      livemode: owner.livemode,
      code_hash: voucherCodeHash(normalized),
      code_last4: normalized.slice(-4),
      currency: input.currency,
      amount: input.amount,
      balance: input.amount,
      created_at: now,
      updated_at: now,
    });
    const voucher = await this.find(owner, id);
    if (voucher === undefined) throw new Error(`voucher ${id} vanished after its insert`);
    return { voucher, code };
  }

  async find(owner: VoucherOwner, id: string): Promise<Voucher | undefined> {
    const row = (await this.db(VOUCHERS).where({ id, merchant_id: owner.merchantId, livemode: owner.livemode }).first()) as VoucherRow | undefined;
    return row === undefined ? undefined : voucherFromRow(row);
  }

  /** The owner's voucher with this (normalized) code; another merchant's or mode's is not found. */
  async findByCode(owner: VoucherOwner, normalizedCode: string): Promise<Voucher | undefined> {
    const row = (await this.db(VOUCHERS)
      .where({ code_hash: voucherCodeHash(normalizedCode), merchant_id: owner.merchantId, livemode: owner.livemode })
      .first()) as VoucherRow | undefined;
    return row === undefined ? undefined : voucherFromRow(row);
  }

  /** The owner's newest vouchers, optionally those whose code ends in `last4`. */
  async list(owner: VoucherOwner, filter: { readonly last4?: string; readonly limit: number }): Promise<Voucher[]> {
    const query = this.db(VOUCHERS).where({ merchant_id: owner.merchantId, livemode: owner.livemode });
    if (filter.last4 !== undefined) query.andWhere({ code_last4: filter.last4 });
    const rows = (await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit)) as VoucherRow[];
    return rows.map(voucherFromRow);
  }

  /** Takes `amount` from the voucher if its balance covers it (one conditional update); 'refused' changes nothing. */
  async redeem(r: Redemption): Promise<LedgerAnswer> {
    return inTransaction(this.db, async (trx) => {
      if (await this.recorded(trx, r.reference)) return 'applied';
      const changed = await trx(VOUCHERS)
        .where({ id: r.voucherId, merchant_id: r.owner.merchantId, livemode: r.owner.livemode, currency: r.currency })
        .andWhere('balance', '>=', r.amount)
        .update({ balance: trx.raw('balance - ?', [r.amount]), updated_at: this.clock.now() });
      if (changed !== 1) return 'refused';
      await this.record(trx, r.reference, r.voucherId, r.paymentId, 'redeem', r.amount);
      return 'applied';
    });
  }

  /**
   * Gives `amount` back to the voucher a redemption (`redeemedAs`) took it from: a
   * void, a refund, or the part of a partial capture not taken. Never above the
   * voucher's issued amount; 'refused' when the redemption is unknown.
   */
  async giveBack(reference: string, redeemedAs: string, kind: Exclude<OperationKind, 'redeem'>, amount: number): Promise<LedgerAnswer> {
    return inTransaction(this.db, async (trx) => {
      if (await this.recorded(trx, reference)) return 'applied';
      const redemption = (await trx(OPERATIONS).where({ reference: redeemedAs, kind: 'redeem' }).first()) as
        { voucher_id: string; payment_id: string } | undefined;
      if (redemption === undefined) return 'refused';
      if (amount > 0) {
        const changed = await trx(VOUCHERS)
          .where({ id: redemption.voucher_id })
          .andWhereRaw('balance + ? <= amount', [amount])
          .update({ balance: trx.raw('balance + ?', [amount]), updated_at: this.clock.now() });
        if (changed !== 1) return 'refused';
      }
      await this.record(trx, reference, redemption.voucher_id, redemption.payment_id, kind, amount);
      return 'applied';
    });
  }

  /** Whether an operation with this reference was applied. */
  async applied(reference: string): Promise<boolean> {
    return this.recorded(this.db, reference);
  }

  private async recorded(db: Queryable, reference: string): Promise<boolean> {
    return (await db(OPERATIONS).where({ reference }).first()) !== undefined;
  }

  private async record(trx: Transaction, reference: string, voucherId: string, paymentId: string, kind: OperationKind, amount: number): Promise<void> {
    await trx(OPERATIONS).insert({ reference, voucher_id: voucherId, payment_id: paymentId, kind, amount, created_at: this.clock.now() });
  }
}
