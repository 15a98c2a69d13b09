import { inject, injectable } from 'tsyringe';
import { CONFIG, DATABASE, Database, MERCHANT_STAGES, MerchantStage, MerchantView, TenderConfig, businessDaysBetween } from '@tender/core';

/** The operator actions of the onboarding API (POST /admin/v1/merchants/:id/<action>). */
export type MerchantAction = 'approve' | 'extend_test_mode' | 'contract' | 'go_live' | 'suspend' | 'resume';

/**
 * Which actions the console offers for a merchant in its present state. The
 * OnboardingService still decides (a stale page can offer a move that is no longer
 * allowed; the service refuses it with its usual error); this only keeps buttons
 * that would surely fail off the page.
 *
 * @example
 * ```ts
 * actionsFor(merchantView(m)); // ['go_live', 'suspend'] for a merchant whose contract is signed
 * ```
 */
export function actionsFor(m: MerchantView): MerchantAction[] {
  const actions: MerchantAction[] = [];
  const stage = m.stage as MerchantStage;
  if ((stage === 'registered' || stage === 'bank_chosen') && m.approved_at === null) actions.push('approve');
  if (stage === 'bank_chosen' && m.approved_at !== null) actions.push('contract');
  if (stage === 'contract_signed') actions.push('go_live');
  if (m.test_mode_expires_at !== null && stage !== 'suspended') actions.push('extend_test_mode');
  if (stage === 'suspended') actions.push('resume');
  else actions.push('suspend');
  return actions;
}

/** How many merchants are in each stage (every stage listed, zeros included). */
@injectable()
export class MerchantStageCounts {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  async counts(): Promise<Array<{ stage: MerchantStage; count: number }>> {
    const rows = (await this.db('merchants').select('stage').count({ n: '*' }).groupBy('stage')) as Array<{ stage: string; n: number | string }>;
    const by = new Map(rows.map((r) => [r.stage, Number(r.n)]));
    return MERCHANT_STAGES.map((stage) => ({ stage, count: by.get(stage) ?? 0 }));
  }
}

/** Stages in which a merchant waits on the operator or its bank: the applications queue. */
export const QUEUE_STAGES = ['applied', 'registered', 'bank_chosen', 'contract_signed'] as const;

/** The one-business-day connection promise, in business days. */
export const CONNECTION_TARGET_DAYS = 1;

/** One application in the queue: where it is, since when, and how long that is in business days. */
export interface QueuedApplication {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly stage: (typeof QUEUE_STAGES)[number];
  readonly bank: string | null;
  /** When the merchant reached its present stage (ms). */
  readonly since: number;
  readonly businessDays: number;
  /** Past the one-business-day target in a stage where the next move is the operator's or the bank's. */
  readonly overdue: boolean;
}

/**
 * The operator's applications queue: merchants on their way to live, longest wait
 * first, each with its time in stage in business days of the operator's calendar
 * (TENDER_BUSINESS_*). A merchant still in test mode (applied) waits on itself, so it
 * is listed but never overdue.
 *
 * @example
 * ```ts
 * const queue = await applications.list(clock.now()); // [{ id: 'mer_1', stage: 'bank_chosen', businessDays: 1.4, overdue: true }, ...]
 * ```
 */
@injectable()
export class ApplicationsQueue {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CONFIG) private readonly config: TenderConfig,
  ) {}

  async list(now: number, limit = 200): Promise<QueuedApplication[]> {
    const rows = (await this.db('merchants')
      .whereIn('stage', [...QUEUE_STAGES])
      .select('id', 'name', 'email', 'stage', 'chosen_bank_code', 'created_at', 'registered_at', 'bank_chosen_at', 'contract_signed_at')
      .orderBy('updated_at', 'asc')
      .limit(limit)) as Array<Record<string, unknown>>;
    return rows
      .map((row) => {
        const stage = String(row.stage) as QueuedApplication['stage'];
        const since = stageSince(stage, row);
        const businessDays = businessDaysBetween(since, now, this.config.businessCalendar);
        return {
          id: String(row.id),
          name: String(row.name),
          email: String(row.email),
          stage,
          bank: row.chosen_bank_code === null || row.chosen_bank_code === undefined ? null : String(row.chosen_bank_code),
          since,
          businessDays,
          overdue: stage !== 'applied' && businessDays > CONNECTION_TARGET_DAYS,
        };
      })
      .sort((a, b) => b.businessDays - a.businessDays || a.since - b.since);
  }
}

/** When the merchant arrived in its stage; an older row without the column falls back to the stage before. */
function stageSince(stage: QueuedApplication['stage'], row: Record<string, unknown>): number {
  const n = (key: string): number | undefined => (row[key] === null || row[key] === undefined ? undefined : Number(row[key]));
  const created = Number(row.created_at);
  switch (stage) {
    case 'applied':
      return created;
    case 'registered':
      return n('registered_at') ?? created;
    case 'bank_chosen':
      return n('bank_chosen_at') ?? n('registered_at') ?? created;
    case 'contract_signed':
      return n('contract_signed_at') ?? n('bank_chosen_at') ?? created;
  }
}
