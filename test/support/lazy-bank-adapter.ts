import { randomBytes } from 'node:crypto';
import {
  AuthorizationRequest,
  BankAdapter,
  BankHealth,
  BankResult,
  ContractRequirement,
  FollowUpRequest,
  InquiryRequest,
  InquiryResult,
  RefundRequest,
} from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';

/**
 * A deliberately bad adapter (issue 19 item 9): authorizations answer like the
 * sandbox, and a retried authorization is answered from memory, but captures,
 * voids and refunds get a new RRN on every call (a retry is a new request at the
 * bank), and `inquire` answers not_found even for what it charged. The old
 * conformance suite passed it; the suite must reject it.
 */
export class LazyBankAdapter implements BankAdapter {
  readonly code = 'lazy';
  private readonly inner = new SandboxBankAdapter();
  private readonly authorizations = new Map<string, BankResult>();

  async authorize(request: AuthorizationRequest): Promise<BankResult> {
    const known = this.authorizations.get(request.reference);
    if (known !== undefined) return known;
    const result = await this.inner.authorize(request);
    this.authorizations.set(request.reference, result);
    return result;
  }
  async capture(request: FollowUpRequest): Promise<BankResult> {
    return fresh(request.amount <= request.original.amount);
  }
  async void(): Promise<BankResult> {
    return fresh(true);
  }
  async refund(request: RefundRequest): Promise<BankResult> {
    return fresh(request.amount <= request.original.amount);
  }
  async inquire(_request: InquiryRequest): Promise<InquiryResult> {
    return { kind: 'not_found', message: 'never heard of it' };
  }
  health(): Promise<BankHealth> {
    return this.inner.health();
  }
  contractRequirements(): readonly ContractRequirement[] {
    return this.inner.contractRequirements();
  }
}

function fresh(ok: boolean): BankResult {
  if (!ok) return { kind: 'declined', reason: 'limit_exceeded', rawCode: '13', message: 'too much' };
  const rrn = randomBytes(6).toString('hex');
  return { kind: 'approved', authorizationCode: '000001', rrn, bankReference: rrn };
}
