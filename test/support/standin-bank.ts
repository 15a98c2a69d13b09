import { AuthorizationRequest, BankAdapter, BankResult, ContractRequirement, FollowUpRequest, InquiryResult, TenderPlugin, definePlugin } from '@tender/core';

/**
 * A STAND-IN FOR A REAL BANK, for tests only: Tender's live mode needs a bank
 * adapter, and no real bank can run here. It approves everything and remembers what
 * it was asked, so a test can check which terminal a live payment went to.
 */
export class StandInBankAdapter implements BankAdapter {
  readonly code = 'standin-bank';
  readonly authorizations: AuthorizationRequest[] = [];
  readonly followUps: Array<{ kind: 'capture' | 'void' | 'refund'; request: FollowUpRequest }> = [];

  async authorize(request: AuthorizationRequest): Promise<BankResult> {
    this.authorizations.push(request);
    return { kind: 'approved', authorizationCode: 'SI0001', rrn: `RRN${this.authorizations.length}`, bankReference: request.reference };
  }
  async capture(request: FollowUpRequest): Promise<BankResult> {
    this.followUps.push({ kind: 'capture', request });
    return { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: undefined };
  }
  async void(request: FollowUpRequest): Promise<BankResult> {
    this.followUps.push({ kind: 'void', request });
    return { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: undefined };
  }
  async refund(request: FollowUpRequest): Promise<BankResult> {
    this.followUps.push({ kind: 'refund', request });
    return { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: undefined };
  }
  async inquire(): Promise<InquiryResult> {
    return { kind: 'not_found', message: 'stand-in bank keeps no history' };
  }
  async health(): Promise<{ ok: boolean; latencyMs: number | undefined; detail: string }> {
    return { ok: true, latencyMs: 0, detail: 'stand-in' };
  }
  contractRequirements(): readonly ContractRequirement[] {
    return [
      { code: 'charter', title: 'Company charter', description: 'A certified copy.' },
      { code: 'director_id', title: "Director's passport", description: 'A scan of the main pages.' },
      { code: 'site_review', title: 'Website review', description: 'The bank checks your shop shows prices, delivery and refund terms.' },
    ];
  }
}

export function standInBankPlugin(adapter: StandInBankAdapter): TenderPlugin {
  return definePlugin({ name: 'test-standin-bank', version: '0.0.0', coreRange: '*', setup: (ctx) => ctx.registerBankAdapter(adapter) });
}
