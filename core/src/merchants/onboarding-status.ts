import { ContractRequirement } from '../banks/bank-adapter';
import { Bank } from '../banks/bank-catalogue.service';
import { Merchant } from './merchant.repository';
import { MerchantView, merchantView } from './merchant-view';

export interface OnboardingStatusView {
  object: 'onboarding_status';
  merchant: MerchantView;
  test_mode: { expires_at: string | null; expired: boolean };
  /** The chosen bank and the documents and steps its contract needs. */
  bank: { code: string; name: string; requirements: readonly ContractRequirement[] } | null;
  next_step: string;
}

// The dashboard is where a shop owner does each step (dashboard/onboarding); the API
// calls stay available to shops that automate, and are named after it.
const NEXT_STEP: Readonly<Record<string, string>> = {
  applied: 'Register your company in your dashboard (Onboarding), or with POST /v1/account/registration.',
  registered: 'Choose a bank in your dashboard (Onboarding), or with POST /v1/account/bank.',
  bank_chosen: 'Upload the documents listed under bank.requirements in your dashboard (Onboarding); the operator records the signed contract.',
  contract_signed: 'The operator switches you to production; you will get an e-mail.',
  live: 'You are live: create your live keys with POST /v1/api_keys {"livemode": true} and take real payments.',
  suspended: 'Your account is suspended; contact the operator.',
};

/** What GET /v1/account/onboarding shows a merchant: where it is and what to do next. */
export function onboardingStatusView(m: Merchant, bank: Bank | undefined, now: number, approved: boolean): OnboardingStatusView {
  let next = NEXT_STEP[m.stage] ?? '';
  if ((m.stage === 'registered' || m.stage === 'bank_chosen') && !approved) next += ' The operator is reviewing your registration.';
  return {
    object: 'onboarding_status',
    merchant: merchantView(m),
    test_mode: {
      expires_at: m.testModeExpiresAt === undefined ? null : new Date(m.testModeExpiresAt).toISOString(),
      expired: m.testModeExpiresAt !== undefined && now >= m.testModeExpiresAt,
    },
    bank: bank === undefined ? null : { code: bank.code, name: bank.name, requirements: bank.requirements },
    next_step: next,
  };
}
