import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { DATABASE, Database, isUniqueViolation } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { TenderError } from '../../errors/tender-error';
import { LOGGER, Logger } from '../../logging/logger';
import { BankAdapter } from '../../banks/bank-adapter';
import { BankRegistry } from '../../banks/bank-registry';
import { BankOperationRepository } from '../../banks/bank-operation';
import { callBank } from '../../banks/bank-call';
import { SANDBOX_ADAPTER_CODE } from '../../routing/bank-router';
import { Payment, paymentFromRow } from '../../payments/payment';
import { PaymentService } from '../../payments/payment.service';
import { MerchantStanding } from '../../merchants/merchant-standing';
import { PaymentStateWriter } from '../../payments/payment-state-writer';
import { BankOutcomeApplier } from '../../payments/bank-outcome';
import { assertTransition } from '../../payments/payment-state-machine';
import { AuthenticatedPayer } from '../../certificates/certificate-authenticator';
import { PayerAccount, PayerService } from '../../certificates/payer.service';
import { AccountPaymentSettings } from './account-payment-settings';

/**
 * Confirms a payment from the payer's personal account once a CertificateAuthenticator
 * has proven the payer. The same three steps as a card payment (PaymentService): a
 * transaction claims the signed request's nonce, moves the payment to processing and
 * records the bank operation; the payer's bank is asked to debit the account
 * (BankAdapter.debitAccount); BankOutcomeApplier applies the answer. Capture, cancel
 * and refunds then go through the ordinary services, to the same adapter. Like a card
 * payment, it is refused (merchant_suspended, merchant_not_live, test_mode_expired)
 * unless the merchant may take payments (MerchantStanding).
 *
 * @example
 * ```ts
 * const payer = await authenticators.authenticate(request);
 * const payment = await accountPayments.confirm(pageToken, payer, { number: undefined });
 * ```
 */
@injectable()
export class AccountPaymentService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(PaymentService) private readonly payments: PaymentService,
    @inject(PaymentStateWriter) private readonly writer: PaymentStateWriter,
    @inject(BankOperationRepository) private readonly operations: BankOperationRepository,
    @inject(BankOutcomeApplier) private readonly outcomes: BankOutcomeApplier,
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(PayerService) private readonly payers: PayerService,
    @inject(AccountPaymentSettings) private readonly settings: AccountPaymentSettings,
    @inject(MerchantStanding) private readonly standing: MerchantStanding,
  ) {}

  /** The payment behind a payment-page token, if its merchant accepts account payments. */
  async findPayable(pageToken: string): Promise<Payment> {
    const row = await this.db('payments').where({ page_token: pageToken }).first();
    if (row === undefined) throw new TenderError('resource_not_found', { message: 'No such payment.' });
    const payment = paymentFromRow(row);
    if (!(await this.settings.enabled(this.db, payment.merchantId))) throw new TenderError('account_payments_disabled');
    return payment;
  }

  async confirm(pageToken: string, payer: AuthenticatedPayer, requested: { number: string | undefined }): Promise<Payment> {
    const found = await this.findPayable(pageToken);
    const ctx = { merchantId: found.merchantId, livemode: found.livemode };
    // Before the payer's account is looked at or the signed request's nonce claimed: a refusal writes nothing.
    await this.standing.assertMayTakePayments(ctx);
    const account = await this.payers.findAccount(this.db, payer.accountId);
    if (account === undefined || account.payerId !== payer.payerId || account.status !== 'active' || (requested.number !== undefined && requested.number !== account.number)) {
      throw new TenderError('certificate_not_bound');
    }
    const adapter = this.adapterFor(account, found.livemode);
    const now = this.clock.now();
    const { payment, op } = await inTransaction(this.db, async (trx) => {
      if (payer.nonce !== undefined) {
        try {
          await trx('signed_request_nonces').insert({ nonce_hash: payer.nonce.hash, certificate_serial: payer.certificateSerial, expires_at: payer.nonce.expiresAt });
        } catch (error) {
          if (isUniqueViolation(error)) throw new TenderError('signature_replayed');
          throw error;
        }
        await trx('signed_request_nonces').where('expires_at', '<', now).delete();
      }
      const current = await this.payments.lockForOperation(trx, ctx, found.id);
      assertTransition(current.status, 'processing', 'confirm this payment');
      const op = await this.operations.create(trx, {
        paymentId: current.id,
        merchantId: ctx.merchantId,
        livemode: ctx.livemode,
        kind: current.captureMethod === 'automatic' ? 'sale' : 'authorize',
        adapterCode: adapter.code,
        amount: current.amount,
        currency: current.currency,
      }, now);
      await trx('account_payments').insert({
        payment_id: current.id,
        merchant_id: ctx.merchantId,
        livemode: ctx.livemode,
        bank_operation_id: op.id,
        payer_id: payer.payerId,
        account_id: account.id,
        certificate_serial: payer.certificateSerial,
        authenticated_by: payer.method,
        created_at: now,
      });
      const payment = await this.writer.change(trx, current, {
        status: 'processing',
        card_token: null,
        card_fingerprint: null,
        card_brand: null,
        card_bin: null,
        card_last4: null,
        card_exp_month: null,
        card_exp_year: null,
        failure_code: null,
        failure_message: null,
        operation_in_progress: op.id,
      }, now, 'confirm this payment');
      return { payment, op };
    });
    const debit = adapter.debitAccount?.bind(adapter);
    if (debit === undefined) throw new Error(`adapter ${adapter.code} lost debitAccount`);
    const result = await callBank(this.logger, 'debit account', () =>
      debit({
        reference: op.id,
        paymentId: payment.id,
        amount: payment.amount,
        currency: payment.currency,
        capture: op.kind === 'sale',
        livemode: payment.livemode,
        account: { number: account.number, payerId: payer.payerId, certificateSerial: payer.certificateSerial },
        connection: { bankMerchantId: undefined, terminalId: undefined },
      }),
    );
    return (await this.outcomes.apply(op, result)).payment;
  }

  /** The payer's bank; test-mode payments only ever reach the sandbox, live ones never. */
  private adapterFor(account: PayerAccount, livemode: boolean): BankAdapter {
    const sandbox = account.bank === SANDBOX_ADAPTER_CODE;
    if (!this.banks.has(account.bank) || sandbox === livemode || this.banks.get(account.bank).debitAccount === undefined) {
      throw new TenderError('no_bank_connection', { message: livemode ? 'The payer\'s bank cannot take live account payments.' : 'Test-mode payments can only be paid from sandbox bank accounts.' });
    }
    return this.banks.get(account.bank);
  }
}
