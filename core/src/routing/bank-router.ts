import { inject, injectable } from 'tsyringe';
import { TenderError } from '../errors/tender-error';
import { BankConnectionTerms } from '../banks/bank-adapter';
import { BankConnectionRepository, connectionTerms } from '../banks/bank-connection';
import { BankRegistry } from '../banks/bank-registry';
import { DATABASE, Database } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';

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
 * and nothing else; live mode goes to the merchant's first active live bank
 * connection (`plan`), or is refused with `no_bank_connection`, never sent anywhere
 * by default. Stop-gap until the routing-rules issue replaces this class.
 */
@injectable()
export class BankRouter {
  constructor(
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(BankConnectionRepository) private readonly connections: BankConnectionRepository,
    @inject(DATABASE) private readonly db: Database,
  ) {}

  route(payment: { livemode: boolean }): RoutedConnection {
    if (!payment.livemode) {
      if (!this.banks.has(SANDBOX_ADAPTER_CODE)) throw new TenderError('no_bank_connection', { message: 'The sandbox bank adapter is not installed (TENDER_PLUGINS).' });
      return { adapterCode: SANDBOX_ADAPTER_CODE, terms: { bankMerchantId: undefined, terminalId: undefined }, reason: 'test mode uses the sandbox bank' };
    }
    throw new TenderError('no_bank_connection', { message: 'This merchant has no live bank connection yet.' });
  }

  /** For a new authorization: like `route`, and live mode uses the merchant's first active live connection. */
  async plan(ctx: MerchantContext): Promise<RoutedConnection> {
    if (!ctx.livemode) return this.route(ctx);
    const first = (await this.connections.listActive(this.db, ctx))[0];
    if (first === undefined || !this.banks.has(first.adapterCode)) return this.route(ctx);
    return { adapterCode: first.adapterCode, terms: connectionTerms(first), reason: `the merchant's first live connection (${first.bankCode}, terminal ${first.terminalId})` };
  }
}
