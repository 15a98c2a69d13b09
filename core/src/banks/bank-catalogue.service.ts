import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { textRule } from '../http/validation';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Queryable, isUniqueViolation } from '../db/database';
import { inTransaction } from '../db/transaction';
import { TenderError, notFound } from '../errors/tender-error';
import { AuditLog, OPERATOR_ACTOR } from '../audit/audit-log';
import { ContractRequirement } from './bank-adapter';
import { BankRegistry } from './bank-registry';
import { findCurrency } from '../money/currencies';

/** A bank is offered while `active`; a withdrawn bank keeps its signed contracts but takes no new merchants. */
export type BankStatus = 'active' | 'withdrawn';

const requirementSchema = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[a-z0-9_]{1,40}$/, 'must be lowercase letters, digits or _'),
    title: z.string().trim().min(1).max(200).superRefine(textRule('line')),
    description: z.string().trim().max(2000).superRefine(textRule('multiline')).default(''),
  })
  .strict();

const currencyList = z
  .array(z.string().refine((c) => findCurrency(c) !== undefined, 'must be ISO 4217 codes this instance supports'))
  .min(1)
  .max(50);

/** POST /admin/v1/banks */
export const createBankSchema = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[a-z0-9_-]{2,40}$/, 'must be 2 to 40 lowercase letters, digits, _ or -'),
    name: z.string().trim().min(1).max(200).superRefine(textRule('line')),
    adapter_code: z.string().trim().min(1).max(40).superRefine(textRule('identifier')),
    currencies: currencyList,
    /** Omitted: the adapter's own contractRequirements(). */
    requirements: z.array(requirementSchema).max(50).optional(),
  })
  .strict();

/** PATCH /admin/v1/banks/:code */
export const updateBankSchema = z
  .object({
    name: z.string().trim().min(1).max(200).superRefine(textRule('line')).optional(),
    currencies: currencyList.optional(),
    requirements: z.array(requirementSchema).max(50).optional(),
    status: z.enum(['active', 'withdrawn']).optional(),
  })
  .strict();

export interface Bank {
  readonly code: string;
  readonly name: string;
  readonly adapterCode: string;
  readonly currencies: readonly string[];
  readonly requirements: readonly ContractRequirement[];
  readonly status: BankStatus;
}

export interface BankView {
  object: 'bank';
  code: string;
  name: string;
  adapter_code: string;
  currencies: readonly string[];
  requirements: readonly ContractRequirement[];
  status: BankStatus;
}

export function bankView(b: Bank): BankView {
  return { object: 'bank', code: b.code, name: b.name, adapter_code: b.adapterCode, currencies: b.currencies, requirements: b.requirements, status: b.status };
}

function fromRow(row: Record<string, unknown>): Bank {
  return {
    code: String(row.code),
    name: String(row.name),
    adapterCode: String(row.adapter_code),
    currencies: JSON.parse(String(row.currencies)) as string[],
    requirements: JSON.parse(String(row.requirements)) as ContractRequirement[],
    status: row.status as BankStatus,
  };
}

/**
 * The operator's catalogue of banks: each names the BankAdapter that talks to it
 * (which must be installed) and the documents its contract needs. Every change is
 * audited.
 *
 * @example
 * ```ts
 * await banks.create({ code: 'alfa', name: 'Alfa Bank', adapter_code: 'iso8583', currencies: ['RUB'] });
 * ```
 */
@injectable()
export class BankCatalogueService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(BankRegistry) private readonly adapters: BankRegistry,
    @inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  async create(input: z.output<typeof createBankSchema>): Promise<Bank> {
    if (!this.adapters.has(input.adapter_code)) {
      throw new TenderError('bank_adapter_unknown', {
        param: 'adapter_code',
        message: `No bank adapter '${input.adapter_code}' is installed (installed: ${this.adapters
          .all()
          .map((a) => a.code)
          .join(', ')}).`,
      });
    }
    const requirements = input.requirements ?? this.adapters.get(input.adapter_code).contractRequirements();
    const now = this.clock.now();
    try {
      return await inTransaction(this.db, async (trx) => {
        await trx('banks').insert({
          code: input.code,
          name: input.name,
          adapter_code: input.adapter_code,
          currencies: JSON.stringify(input.currencies),
          requirements: JSON.stringify(requirements),
          status: 'active',
          created_at: now,
          updated_at: now,
        });
        await this.audit.record(trx, {
          actor: OPERATOR_ACTOR,
          action: 'bank.create',
          merchantId: undefined,
          objectType: 'bank',
          objectId: input.code,
          data: { ...input, requirements },
        });
        return this.get(trx, input.code);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new TenderError('bank_code_taken', { param: 'code', message: `A bank with code '${input.code}' already exists.` });
      throw error;
    }
  }

  async update(code: string, input: z.output<typeof updateBankSchema>): Promise<Bank> {
    return inTransaction(this.db, async (trx) => {
      await this.get(trx, code);
      const changes: Record<string, unknown> = {};
      if (input.name !== undefined) changes.name = input.name;
      if (input.currencies !== undefined) changes.currencies = JSON.stringify(input.currencies);
      if (input.requirements !== undefined) changes.requirements = JSON.stringify(input.requirements);
      if (input.status !== undefined) changes.status = input.status;
      await trx('banks')
        .where({ code })
        .update({ ...changes, updated_at: this.clock.now() });
      await this.audit.record(trx, {
        actor: OPERATOR_ACTOR,
        action: input.status === 'withdrawn' ? 'bank.withdraw' : 'bank.update',
        merchantId: undefined,
        objectType: 'bank',
        objectId: code,
        data: input,
      });
      return this.get(trx, code);
    });
  }

  async get(q: Queryable, code: string): Promise<Bank> {
    const row = await q('banks').where({ code }).first();
    if (row === undefined) throw notFound('bank', code);
    return fromRow(row);
  }

  /** The bank if the operator offers it now; `bank_not_offered` otherwise. */
  async offered(q: Queryable, code: string): Promise<Bank> {
    const row = await q('banks').where({ code, status: 'active' }).first();
    if (row === undefined) throw new TenderError('bank_not_offered', { param: 'bank', message: `The operator does not offer a bank '${code}'.` });
    return fromRow(row);
  }

  async list(q: Queryable, status: BankStatus | undefined): Promise<Bank[]> {
    const query = q('banks').orderBy('code', 'asc');
    const rows = status === undefined ? await query : await query.where({ status });
    return rows.map(fromRow);
  }
}
