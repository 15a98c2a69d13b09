import { inject, injectable } from 'tsyringe';
import { TenderError } from '../errors/tender-error';
import { BankConnectionTerms } from '../banks/bank-adapter';
import { BankRegistry } from '../banks/bank-registry';

/** The adapter that serves every test-mode payment. */
export const SANDBOX_ADAPTER_CODE = 'sandbox';

export interface RoutedConnection {
  readonly adapterCode: string;
  readonly terms: BankConnectionTerms;
  /** Why this connection was chosen, kept with the attempt. */
  readonly reason: string;
}

/**
 * Picks the bank connection for a payment. Today: test mode goes to the sandbox
 * and nothing else; live mode has no contracted connections until onboarding and
 * routing rules land, so it is refused with `no_bank_connection` rather than sent
 * anywhere by default.
 */
@injectable()
export class BankRouter {
  constructor(@inject(BankRegistry) private readonly banks: BankRegistry) {}

  route(payment: { livemode: boolean }): RoutedConnection {
    if (!payment.livemode) {
      if (!this.banks.has(SANDBOX_ADAPTER_CODE)) throw new TenderError('no_bank_connection', { message: 'The sandbox bank adapter is not installed (TENDER_PLUGINS).' });
      return { adapterCode: SANDBOX_ADAPTER_CODE, terms: { bankMerchantId: undefined, terminalId: undefined }, reason: 'test mode uses the sandbox bank' };
    }
    throw new TenderError('no_bank_connection', { message: 'This merchant has no live bank connection yet.' });
  }
}
