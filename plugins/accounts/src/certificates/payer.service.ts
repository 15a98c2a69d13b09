import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import {
  CLOCK,
  DATABASE,
  BankRegistry,
  Clock,
  Database,
  fields,
  inTransaction,
  isUniqueViolation,
  newId,
  notFound,
  Queryable,
  TenderError,
  textRule,
} from '@tender/core';

/** POST /admin/v1/payers */
/** POST /admin/v1/payers/:id/accounts, and the `account` of a new payer. */
export const accountSchema = z
  .object({
    number: z.string().regex(/^[0-9A-Za-z]{5,34}$/, 'must be 5 to 34 letters or digits'),
    bank: fields.identifier(40),
  })
  .strict();

export const createPayerSchema = z
  .object({
    name: z.string().trim().min(1).max(200).superRefine(textRule('line')),
    email: z.string().trim().max(320).email().optional(),
    account: accountSchema,
  })
  .strict();

export type CreatePayerInput = z.output<typeof createPayerSchema>;
export type AccountInput = z.output<typeof accountSchema>;

export interface PayerAccount {
  readonly id: string;
  readonly payerId: string;
  readonly number: string;
  /** The BankAdapter code of the payer's bank. */
  readonly bank: string;
  readonly status: 'active' | 'closed';
}

export interface PayerView {
  id: string;
  object: 'payer';
  name: string;
  email: string | null;
  accounts: Array<{ id: string; object: 'payer_account'; number: string; bank: string; status: string }>;
  created_at: string;
}

/**
 * Payers (buyers who pay from a personal account) and their accounts. The operator
 * registers them; certificates are then issued for one payer and one account.
 *
 * @example
 * ```ts
 * const payer = await payers.create({ name: 'Ivan Petrov', account: { number: '40817810000000000001', bank: 'sandbox' } });
 * ```
 */
@injectable()
export class PayerService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(BankRegistry) private readonly banks: BankRegistry,
  ) {}

  async create(input: CreatePayerInput): Promise<PayerView> {
    this.assertBank(input.account.bank, 'account.bank');
    const now = this.clock.now();
    const id = newId('pyr');
    await this.insertingAccount('account.number', () =>
      inTransaction(this.db, async (trx) => {
        await trx('payers').insert({ id, name: input.name, email: input.email ?? null, created_at: now });
        await this.insertAccount(trx, id, input.account, now);
      }),
    );
    return this.retrieve(id);
  }

  /** Another account for an existing payer; certificates are issued per account. */
  async addAccount(payerId: string, input: AccountInput): Promise<PayerView> {
    this.assertBank(input.bank, 'bank');
    await this.retrieve(payerId);
    await this.insertingAccount('number', () => this.insertAccount(this.db, payerId, input, this.clock.now()));
    return this.retrieve(payerId);
  }

  /** A closed account can no longer be debited: its certificates get certificate_not_bound. */
  async closeAccount(payerId: string, accountId: string): Promise<PayerView> {
    await this.requireAccountOf(payerId, accountId);
    await this.db('payer_accounts').where({ id: accountId, payer_id: payerId }).update({ status: 'closed' });
    return this.retrieve(payerId);
  }

  private assertBank(bank: string, param: string): void {
    if (!this.banks.has(bank) || this.banks.get(bank).debitAccount === undefined) {
      throw new TenderError('parameter_invalid', { param, message: `No installed bank adapter '${bank.slice(0, 40)}' can debit personal accounts.` });
    }
  }

  private async insertAccount(q: Queryable, payerId: string, input: AccountInput, now: number): Promise<void> {
    await q('payer_accounts').insert({
      id: newId('acct'),
      payer_id: payerId,
      account_number: input.number,
      bank_adapter: input.bank,
      status: 'active',
      created_at: now,
    });
  }

  private async insertingAccount(param: string, insert: () => Promise<void>): Promise<void> {
    try {
      await insert();
    } catch (error) {
      if (isUniqueViolation(error)) throw new TenderError('parameter_invalid', { param, message: 'This account at this bank already belongs to a payer.' });
      throw error;
    }
  }

  async retrieve(id: string): Promise<PayerView> {
    const row = await this.db('payers').where({ id }).first();
    if (row === undefined) throw notFound('payer', id);
    const accounts = await this.db('payer_accounts').where({ payer_id: id }).orderBy('created_at');
    return {
      id: String(row.id),
      object: 'payer',
      name: String(row.name),
      email: (row.email as string | null) ?? null,
      accounts: accounts.map((a: Record<string, unknown>) => ({
        id: String(a.id),
        object: 'payer_account' as const,
        number: String(a.account_number),
        bank: String(a.bank_adapter),
        status: String(a.status),
      })),
      created_at: new Date(Number(row.created_at)).toISOString(),
    };
  }

  async findAccount(q: Queryable, accountId: string): Promise<PayerAccount | undefined> {
    return findPayerAccount(q, accountId);
  }

  /** The account a certificate will be bound to: it must be this payer's. */
  async requireAccountOf(payerId: string, accountId: string): Promise<PayerAccount> {
    const account = await this.findAccount(this.db, accountId);
    if (account === undefined || account.payerId !== payerId) {
      throw new TenderError('resource_not_found', { param: 'account_id', message: `Payer '${payerId}' has no account '${accountId}'.` });
    }
    return account;
  }
}

/** One payer account by id (no service needed: the account method reads it before core's services exist). */
export async function findPayerAccount(q: Queryable, accountId: string): Promise<PayerAccount | undefined> {
  const row = await q('payer_accounts').where({ id: accountId }).first();
  if (row === undefined) return undefined;
  return {
    id: String(row.id),
    payerId: String(row.payer_id),
    number: String(row.account_number),
    bank: String(row.bank_adapter),
    status: row.status === 'active' ? 'active' : 'closed',
  };
}
