import {
  BankAdapter,
  BankHealth,
  BankResult,
  ContractRequirement,
  FollowUpRequest,
  InquiryRequest,
  InquiryResult,
  InstrumentPaymentRequest,
  RefundRequest,
} from '@tender/core';
import { VoucherLedger } from './voucher-ledger';

/** The bank capability vouchers need: a plugin's own, served by the adapter below only. */
export const VOUCHER_CAPABILITY = 'voucher_redemption';

/** The adapter's code; the voucher method binds every instrument to it (`issuerAdapter`). */
export const VOUCHER_ADAPTER_CODE = 'starter-vouchers';

const approved = (reference: string): BankResult => ({ kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: reference });

/**
 * The voucher ledger as a bank: PaymentService asks it like any bank (through `pay`,
 * because `voucher_redemption` is not a card or account capability), records the
 * attempt and moves the payment through the state machine with the answer. Capture,
 * void and refund reach it through the ordinary paths and give back what was not
 * kept. It lists only its own capability, so routing never sends it a card, and it
 * is its own ledger (`ownLedger`): no money leaves the gateway and test vouchers are
 * rows with `livemode = false`, so test-mode payments may reach it.
 *
 * @example
 * ```ts
 * ctx.registerBankAdapter(new VoucherLedgerAdapter(ledger));
 * ```
 */
export class VoucherLedgerAdapter implements BankAdapter {
  readonly code = VOUCHER_ADAPTER_CODE;
  readonly capabilities = [VOUCHER_CAPABILITY];
  readonly ownLedger = true;

  constructor(private readonly ledger: VoucherLedger) {}

  /** Takes the amount from the voucher the instrument names; a race lost at the ledger is a decline. */
  async pay(request: InstrumentPaymentRequest): Promise<BankResult> {
    const { voucher_id: voucherId, merchant_id: merchantId } = request.instrument;
    if (request.capability !== VOUCHER_CAPABILITY || voucherId === undefined || merchantId === undefined) {
      return { kind: 'declined', reason: 'card_not_supported', rawCode: 'V12', message: 'Not a voucher redemption' };
    }
    const answer = await this.ledger.redeem({
      reference: request.reference,
      paymentId: request.paymentId,
      voucherId,
      owner: { merchantId, livemode: request.livemode },
      amount: request.amount,
      currency: request.currency,
    });
    return answer === 'applied'
      ? approved(request.reference)
      : { kind: 'declined', reason: 'insufficient_funds', rawCode: 'V51', message: 'The voucher balance does not cover the amount' };
  }

  async authorize(): Promise<BankResult> {
    return { kind: 'declined', reason: 'card_not_supported', rawCode: 'V12', message: 'The voucher ledger takes no cards' };
  }

  /** The redemption already took the amount; a partial capture gives the rest back. */
  async capture(request: FollowUpRequest): Promise<BankResult> {
    return this.settle(request.reference, request.original.reference, 'capture', request.original.amount - request.amount);
  }

  async void(request: FollowUpRequest): Promise<BankResult> {
    return this.settle(request.reference, request.original.reference, 'void', request.original.amount);
  }

  async refund(request: RefundRequest): Promise<BankResult> {
    return this.settle(request.reference, request.original.reference, 'refund', request.amount);
  }

  /** The answer to an operation whose outcome the gateway did not learn: it happened if the ledger recorded it. */
  async inquire(request: InquiryRequest): Promise<InquiryResult> {
    return (await this.ledger.applied(request.reference))
      ? approved(request.reference)
      : { kind: 'not_found', message: 'The voucher ledger has no such operation' };
  }

  async health(): Promise<BankHealth> {
    return { ok: true, latencyMs: 0, detail: 'the voucher ledger is a table in the gateway database' };
  }

  contractRequirements(): readonly ContractRequirement[] {
    return [];
  }

  private async settle(reference: string, redeemedAs: string, kind: 'capture' | 'void' | 'refund', giveBack: number): Promise<BankResult> {
    if (giveBack < 0) return { kind: 'declined', reason: 'limit_exceeded', rawCode: 'V61', message: 'More than the redemption took' };
    const answer = await this.ledger.giveBack(reference, redeemedAs, kind, giveBack);
    return answer === 'applied'
      ? approved(reference)
      : { kind: 'declined', reason: 'do_not_honor', rawCode: 'V14', message: 'The voucher ledger has no such redemption' };
  }
}
