import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { DATABASE, Database, InstrumentContext, PaymentInstrument, PaymentMethod, TenderError, Transaction, isUniqueViolation } from '@tender/core';
import { findPayerAccount } from '../certificates/payer.service';
import { AccountPaymentSettings } from './account-payment-settings';
import { AccountPage } from './account-page';

/** `payment_method.account`: the one field a payer may send, the account number (checked against the certificate's binding). */
export const accountInputSchema = z
  .object({
    number: z
      .string()
      .regex(/^[0-9A-Za-z]{5,34}$/, 'must be 5 to 34 letters or digits')
      .optional(),
  })
  .strict()
  .optional()
  .transform((v) => ({ number: v?.number }));

export type AccountInput = z.output<typeof accountInputSchema>;

/**
 * Payment from the payer's personal account (capability `account_debit`). Only the
 * payer can confirm it, proven by a client certificate (a signed request or a TLS
 * client certificate) at `/pay-account/:token/confirm` or on the hosted page; a
 * merchant's secret key cannot, so confirming `type: account` through the merchant
 * API is refused with a pointer there. The instrument is bound to the payer's bank
 * (`issuerAdapter`); in the confirm transaction it claims the signed request's
 * nonce (a replay fails there) and records who paid from which account
 * (`account_payments`). Capture, cancel and refunds then go through the ordinary
 * services, to the same adapter.
 *
 * @example
 * ```ts
 * await payments.confirm(ctx, paymentId, { type: 'account', account: {} }, undefined, { buyerPresent: false, payer });
 * ```
 */
@injectable()
export class AccountPaymentMethod implements PaymentMethod<AccountInput> {
  readonly type = 'account';
  readonly capability = 'account_debit';
  readonly input = accountInputSchema;
  readonly page;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(AccountPaymentSettings) private readonly settings: AccountPaymentSettings,
    @inject(AccountPage) page: AccountPage,
  ) {
    this.page = page;
  }

  async instrument(input: AccountInput, context: InstrumentContext): Promise<PaymentInstrument> {
    const payer = context.payer;
    if (payer === undefined) throw accountNeedsPayer();
    if (!(await this.settings.enabled(this.db, context.payment.merchantId))) throw new TenderError('account_payments_disabled');
    const account = await findPayerAccount(this.db, payer.accountId);
    if (
      account === undefined ||
      account.payerId !== payer.payerId ||
      account.status !== 'active' ||
      (input.number !== undefined && input.number !== account.number)
    ) {
      throw new TenderError('certificate_not_bound');
    }
    const payment = context.payment;
    return {
      bank: { kind: 'account', account: { number: account.number, payerId: payer.payerId, certificateSerial: payer.certificateSerial } },
      issuerAdapter: account.bank,
      claim: async (trx: Transaction) => {
        if (payer.nonce === undefined) return;
        try {
          await trx('signed_request_nonces').insert({
            nonce_hash: payer.nonce.hash,
            certificate_serial: payer.certificateSerial,
            expires_at: payer.nonce.expiresAt,
          });
        } catch (error) {
          if (isUniqueViolation(error)) throw new TenderError('signature_replayed');
          throw error;
        }
        await trx('signed_request_nonces').where('expires_at', '<', context.now).delete();
      },
      record: async (trx, facts) => {
        await trx('account_payments').insert({
          payment_id: payment.id,
          merchant_id: payment.merchantId,
          livemode: payment.livemode,
          bank_operation_id: facts.operationId,
          payer_id: payer.payerId,
          account_id: account.id,
          certificate_serial: payer.certificateSerial,
          authenticated_by: payer.method,
          created_at: facts.now,
        });
        return undefined;
      },
    };
  }
}

/** Refusal for `payment_method.type = account` without a proven payer (the merchant API). */
export function accountNeedsPayer(): TenderError {
  return new TenderError('payment_method_unsupported', {
    param: 'payment_method.type',
    message: 'Payments from a personal account are confirmed by the payer with a client certificate at /pay-account/<token>/confirm (see docs/payer-apps.md).',
  });
}
