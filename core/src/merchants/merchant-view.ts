import { Merchant } from './merchant.repository';

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export interface MerchantView {
  id: string;
  object: 'merchant';
  name: string;
  email: string;
  /** 'live' once the operator has switched the merchant to production (test mode stays available). */
  mode: 'test' | 'live';
  stage: string;
  resume_stage: string | null;
  test_mode_expires_at: string | null;
  company: {
    legal_name: string;
    tax_id: string;
    country: string;
    address: string;
    website: string;
    contact: { name: string; phone: string };
  } | null;
  bank: string | null;
  registered_at: string | null;
  approved_at: string | null;
  live_at: string | null;
  created_at: string;
}

/** The merchant in its API form, the same for the operator and for the merchant itself. */
export function merchantView(m: Merchant): MerchantView {
  const c = m.company;
  return {
    id: m.id,
    object: 'merchant',
    name: m.name,
    email: m.email,
    mode: m.liveAt === undefined ? 'test' : 'live',
    stage: m.stage,
    resume_stage: m.resumeStage ?? null,
    test_mode_expires_at: iso(m.testModeExpiresAt),
    company:
      c === undefined
        ? null
        : {
            legal_name: c.legalName,
            tax_id: c.taxId,
            country: c.country,
            address: c.address,
            website: c.website,
            contact: { name: c.contactName, phone: c.contactPhone },
          },
    bank: m.chosenBankCode ?? null,
    registered_at: iso(m.registeredAt),
    approved_at: iso(m.approvedAt),
    live_at: iso(m.liveAt),
    created_at: new Date(m.createdAt).toISOString(),
  };
}
