import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database } from '../db/database';
import { AccountPaymentSettings } from '../methods/account/account-payment-settings';
import { Payment } from '../payments/payment';

/**
 * The "pay from personal account" option as a page template sees it. `form` is true
 * only when the gateway serves HTTPS itself, because only then can the browser
 * present its certificate in the TLS handshake; otherwise the page explains that
 * the payer's app signs the confirmation at `app_path` (docs/payer-apps.md).
 */
export interface AccountOptionContext {
  readonly form: boolean;
  readonly action: string;
  readonly app_path: string;
  readonly number: string;
  readonly error: string | null;
  readonly error_code: string | null;
}

/** What the last account form post left to show: the number typed and why it was refused. */
export interface AccountFormState {
  readonly number: string;
  readonly error: string;
  readonly errorCode: string;
}

/**
 * Decides whether a payment page offers "pay from personal account" (the merchant
 * setting `account_payments_enabled`) and in which form.
 *
 * @example
 * ```ts
 * const account = await option.contextFor(payment); // undefined when the merchant has it off
 * ```
 */
@injectable()
export class AccountPageOption {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(AccountPaymentSettings) private readonly settings: AccountPaymentSettings,
  ) {}

  /** True when the gateway itself terminates TLS and asks browsers for a client certificate. */
  get servesTls(): boolean {
    return this.config.certificates.tlsCertFile !== undefined && this.config.certificates.tlsKeyFile !== undefined;
  }

  async contextFor(payment: Payment, state?: AccountFormState): Promise<AccountOptionContext | undefined> {
    if (!(await this.settings.enabled(this.db, payment.merchantId))) return undefined;
    return {
      form: this.servesTls,
      action: `/pay/${payment.pageToken}/account`,
      app_path: `/pay-account/${payment.pageToken}/confirm`,
      number: state?.number ?? '',
      error: state?.error ?? null,
      error_code: state?.errorCode ?? null,
    };
  }
}
