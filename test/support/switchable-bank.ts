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
 * Stands in for a bank Tender cannot reach from here: the sandbox's answers, plus a
 * switch that makes every authorization fail technically (a bank that is down).
 *
 * @example
 * ```ts
 * const alpha = new SwitchableBank();
 * alpha.down = true; // authorizations answer technical_failure 96 until set back
 * ```
 */
export class SwitchableBank implements BankAdapter {
  readonly code = 'switchable';
  down = false;
  private readonly inner = new SandboxBankAdapter();
  async authorize(r: AuthorizationRequest): Promise<BankResult> {
    return this.down ? { kind: 'technical_failure', reason: 'processing_error', rawCode: '96', message: 'bank down' } : this.inner.authorize(r);
  }
  capture(r: FollowUpRequest): Promise<BankResult> {
    return this.inner.capture(r);
  }
  void(r: FollowUpRequest): Promise<BankResult> {
    return this.inner.void(r);
  }
  refund(r: RefundRequest): Promise<BankResult> {
    return this.inner.refund(r);
  }
  inquire(r: InquiryRequest): Promise<InquiryResult> {
    return this.inner.inquire(r);
  }
  health(): Promise<BankHealth> {
    return this.inner.health();
  }
  contractRequirements(): readonly ContractRequirement[] {
    return this.inner.contractRequirements();
  }
}
