import { injectable } from 'tsyringe';
import { Queryable, forUpdate } from '../db/database';
import { notFound } from '../errors/tender-error';
import { ActiveStage, MerchantStage } from './merchant-stage-machine';

/** Company details given at registration. */
export interface CompanyDetails {
  readonly legalName: string;
  readonly taxId: string;
  readonly country: string;
  readonly address: string;
  readonly website: string;
  readonly contactName: string;
  readonly contactPhone: string;
}

/**
 * A merchant as onboarding sees it. Merchants are the tenants themselves, so this
 * row carries no livemode: it is the same merchant in both modes.
 */
export interface Merchant {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly stage: MerchantStage;
  /** Where `resume` returns to; set only while suspended. */
  readonly resumeStage: ActiveStage | undefined;
  /** Undefined: test mode never ends (operator-created merchants, or once registered). */
  readonly testModeExpiresAt: number | undefined;
  readonly company: CompanyDetails | undefined;
  readonly chosenBankCode: string | undefined;
  readonly registeredAt: number | undefined;
  readonly approvedAt: number | undefined;
  readonly liveAt: number | undefined;
  /** The latest bank choice and the contract's signature: with registeredAt and liveAt, the times the operator's queue measures. */
  readonly bankChosenAt: number | undefined;
  readonly contractSignedAt: number | undefined;
  /** The owner's language (en, ru, ar) and the IANA time zone its dates are shown in. */
  readonly locale: string;
  readonly timeZone: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface MerchantListFilter {
  readonly stage: MerchantStage | undefined;
  readonly limit: number;
  readonly startingAfter: string | undefined;
}

function optionalNumber(v: unknown): number | undefined {
  return v === null || v === undefined ? undefined : Number(v);
}

function optionalString(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

export function merchantFromRow(row: Record<string, unknown>): Merchant {
  const company: CompanyDetails | undefined =
    row.legal_name === null || row.legal_name === undefined
      ? undefined
      : {
          legalName: String(row.legal_name),
          taxId: String(row.tax_id),
          country: String(row.country),
          address: String(row.address),
          website: String(row.website),
          contactName: String(row.contact_name),
          contactPhone: String(row.contact_phone),
        };
  return {
    id: String(row.id),
    name: String(row.name),
    email: String(row.email),
    stage: String(row.stage) as MerchantStage,
    resumeStage: optionalString(row.resume_stage) as ActiveStage | undefined,
    testModeExpiresAt: optionalNumber(row.test_mode_expires_at),
    company,
    chosenBankCode: optionalString(row.chosen_bank_code),
    registeredAt: optionalNumber(row.registered_at),
    approvedAt: optionalNumber(row.approved_at),
    liveAt: optionalNumber(row.live_at),
    bankChosenAt: optionalNumber(row.bank_chosen_at),
    contractSignedAt: optionalNumber(row.contract_signed_at),
    locale: optionalString(row.locale) ?? 'en',
    timeZone: optionalString(row.time_zone) ?? 'UTC',
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Column names of the fields a stage change may set. */
export interface MerchantChanges {
  stage?: MerchantStage;
  resume_stage?: ActiveStage | null;
  test_mode_expires_at?: number | null;
  legal_name?: string;
  tax_id?: string;
  country?: string;
  address?: string;
  website?: string;
  contact_name?: string;
  contact_phone?: string;
  chosen_bank_code?: string;
  registered_at?: number;
  approved_at?: number;
  live_at?: number;
  bank_chosen_at?: number;
  contract_signed_at?: number;
  locale?: string;
  time_zone?: string;
}

@injectable()
export class MerchantRepository {
  async find(q: Queryable, id: string): Promise<Merchant | undefined> {
    const row = await q('merchants').where({ id }).first();
    return row === undefined ? undefined : merchantFromRow(row);
  }

  /** The merchant, locked for the rest of the transaction; a 404 if there is none. */
  async lock(q: Queryable, id: string): Promise<Merchant> {
    const row = await forUpdate(q, q('merchants').where({ id })).first();
    if (row === undefined) throw notFound('merchant', id);
    return merchantFromRow(row);
  }

  async update(q: Queryable, merchant: Merchant, changes: MerchantChanges, now: number): Promise<Merchant> {
    await q('merchants')
      .where({ id: merchant.id })
      .update({ ...changes, updated_at: now });
    return this.lock(q, merchant.id);
  }

  /** Newest first; `startingAfter` is a merchant id (undefined result: no such merchant). */
  async list(q: Queryable, filter: MerchantListFilter): Promise<{ merchants: Merchant[]; hasMore: boolean } | undefined> {
    let query = q('merchants')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
    if (filter.stage !== undefined) query = query.where({ stage: filter.stage });
    if (filter.startingAfter !== undefined) {
      const cursor = await q('merchants').where({ id: filter.startingAfter }).first();
      if (cursor === undefined) return undefined;
      const at = Number(cursor.created_at);
      query = query.where((w) =>
        w.where('created_at', '<', at).orWhere((x) => x.where('created_at', '=', at).andWhere('id', '<', filter.startingAfter as string)),
      );
    }
    const rows = await query;
    return { merchants: rows.slice(0, filter.limit).map(merchantFromRow), hasMore: rows.length > filter.limit };
  }
}
