import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, MERCHANT_STAGES, MerchantStage, MerchantView } from '@tender/core';

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
