import { injectable } from 'tsyringe';
import { Queryable } from '../db/database';
import { newId } from '../ids/ids';
import { MerchantContext } from '../merchants/merchant-context';
import { BankConnectionTerms } from './bank-adapter';

export type BankConnectionStatus = 'active' | 'disabled';

/**
 * A merchant's signed contract with one bank, as routing sees it: which adapter
 * serves it, the bank's merchant id (ISO 8583 field 42) and terminal id (field 41),
 * and the currencies it may take.
 *
 * @example
 * ```ts
 * await connections.create(trx, { merchantId, livemode: true, bankCode: 'alfa', adapterCode: 'iso8583',
 *   bankMerchantId: '000000001234567', terminalId: 'T0000001', currencies: ['RUB'] }, now);
 * ```
 */
export interface BankConnection {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly bankCode: string;
  readonly adapterCode: string;
  readonly bankMerchantId: string;
  readonly terminalId: string;
  readonly currencies: readonly string[];
  readonly status: BankConnectionStatus;
  readonly createdAt: number;
}

export function connectionTerms(c: BankConnection): BankConnectionTerms {
  return { bankMerchantId: c.bankMerchantId, terminalId: c.terminalId };
}

function fromRow(row: Record<string, unknown>): BankConnection {
  return {
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    bankCode: String(row.bank_code),
    adapterCode: String(row.adapter_code),
    bankMerchantId: String(row.bank_merchant_id),
    terminalId: String(row.terminal_id),
    currencies: JSON.parse(String(row.currencies)) as string[],
    status: row.status as BankConnectionStatus,
    createdAt: Number(row.created_at),
  };
}

@injectable()
export class BankConnectionRepository {
  async create(
    q: Queryable,
    input: {
      merchantId: string;
      livemode: boolean;
      bankCode: string;
      adapterCode: string;
      bankMerchantId: string;
      terminalId: string;
      currencies: readonly string[];
    },
    now: number,
  ): Promise<BankConnection> {
    const row = {
      id: newId('bcn'),
      merchant_id: input.merchantId,
      livemode: input.livemode,
      bank_code: input.bankCode,
      adapter_code: input.adapterCode,
      bank_merchant_id: input.bankMerchantId,
      terminal_id: input.terminalId,
      currencies: JSON.stringify(input.currencies),
      status: 'active',
      created_at: now,
      updated_at: now,
    };
    await q('bank_connections').insert(row);
    return fromRow(row);
  }

  /** One of the merchant's connections in one mode, whatever its status. */
  async find(q: Queryable, ctx: MerchantContext, id: string): Promise<BankConnection | undefined> {
    const row = await q('bank_connections').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    return row === undefined ? undefined : fromRow(row);
  }

  /** The merchant's active connections in one mode, oldest first. */
  async listActive(q: Queryable, ctx: MerchantContext): Promise<BankConnection[]> {
    const rows = await q('bank_connections').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, status: 'active' }).orderBy('created_at', 'asc');
    return rows.map(fromRow);
  }

  /** All of the merchant's connections in one mode, disabled ones too (routing says why it skips them), oldest first. */
  async list(q: Queryable, ctx: MerchantContext): Promise<BankConnection[]> {
    const rows = await q('bank_connections').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode }).orderBy('created_at', 'asc');
    return rows.map(fromRow);
  }

  async setStatus(q: Queryable, ctx: MerchantContext, id: string, status: BankConnectionStatus, now: number): Promise<boolean> {
    const n = await q('bank_connections').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).update({ status, updated_at: now });
    return n === 1;
  }
}
