import { BankAdapter, BankHealth, BankResult, Clock, ContractRequirement, FollowUpRequest, InquiryRequest, InquiryResult, InstrumentPaymentRequest, RefundRequest } from '@tender/core';
import { SbpBank } from './sbp-bank';
import { qrImageDataUrl } from './qr-image';

/** The bank capability of SBP QR payments; only adapters that list it are offered the `sbp` method. */
export const SBP_CAPABILITY = 'sbp_qr';

const NOT_A_CARD: BankResult = { kind: 'declined', reason: 'card_not_supported', rawCode: 'SBP', message: 'An SBP bank takes QR payments, not cards.' };

/**
 * A Tender bank adapter over an SbpBank: `pay` registers a dynamic QR and answers
 * `action_required` with a `display_qr` next action (payload, PNG image, and the
 * payload again as the phone's bank-app link), held until the bank's notification
 * or a status inquiry settles it; `refund` is a return transfer. An SBP payment is
 * a transfer, complete when paid: there is nothing to capture or void.
 *
 * @example
 * ```ts
 * ctx.registerBankAdapter(new SbpBankAdapter(new AcmeSbpBank(options), ctx.core.clock, 15 * 60_000));
 * ```
 */
export class SbpBankAdapter implements BankAdapter {
  readonly code: string;
  readonly capabilities = [SBP_CAPABILITY];
  /** A sandbox bank moves no money: test-mode payments may reach it (BankAdapter.ownLedger). */
  readonly ownLedger: boolean;

  constructor(readonly bank: SbpBank, private readonly clock: Clock, private readonly qrTtlMs: number) {
    this.code = bank.code;
    this.ownLedger = bank.sandbox === true;
  }

  async pay(request: InstrumentPaymentRequest): Promise<BankResult> {
    const expiresAt = this.clock.now() + this.qrTtlMs;
    const purpose = (request.instrument.purpose ?? `Payment ${request.paymentId}`).slice(0, 140);
    const qr = await this.bank.registerQr({ reference: request.reference, paymentId: request.paymentId, amount: request.amount, currency: request.currency, livemode: request.livemode, purpose, expiresAt, connection: request.connection });
    if (qr.kind !== 'registered') {
      return qr.kind === 'refused' ? { kind: 'declined', reason: 'do_not_honor', rawCode: qr.code, message: qr.message } : { kind: 'technical_failure', reason: 'processing_error', rawCode: qr.code, message: qr.message };
    }
    return {
      kind: 'action_required',
      expiresAt: qr.expiresAt,
      nextAction: { type: 'display_qr', qr: { payload: qr.payload, image_data_url: await qrImageDataUrl(qr.payload) }, mobile_url: qr.payload },
    };
  }

  async inquire(request: InquiryRequest): Promise<InquiryResult> {
    const status = await this.bank.status({ reference: request.reference, livemode: request.livemode, connection: request.connection });
    switch (status) {
      case 'paid':
        return { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: undefined };
      case 'rejected':
        return { kind: 'declined', reason: 'do_not_honor', rawCode: 'rejected', message: 'The buyer or their bank rejected the SBP payment.' };
      case 'not_found':
        return { kind: 'not_found', message: 'The SBP bank has no QR with this reference.' };
      default:
        // Still waiting, or lapsed unpaid: Tender's own expiry decides (AwaitedPaymentSettler).
        return { kind: 'unknown', message: `SBP payment ${status}` };
    }
  }

  async refund(request: RefundRequest): Promise<BankResult> {
    const status = await this.bank.refund({ reference: request.reference, originalReference: request.original.reference, amount: request.amount, currency: request.currency, livemode: request.livemode, connection: request.connection });
    if (status === 'succeeded') return { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: undefined };
    if (status === 'pending') return { kind: 'unknown', message: 'The SBP return transfer is not finished yet.' };
    return { kind: 'declined', reason: 'do_not_honor', rawCode: 'refund_failed', message: 'The SBP bank refused the return transfer.' };
  }

  async authorize(): Promise<BankResult> {
    return NOT_A_CARD;
  }

  /** Nothing is held at an SBP bank: a paid QR is a completed transfer. */
  async capture(_request: FollowUpRequest): Promise<BankResult> {
    return NOT_A_CARD;
  }

  async void(_request: FollowUpRequest): Promise<BankResult> {
    return NOT_A_CARD;
  }

  async health(): Promise<BankHealth> {
    return { ok: true, latencyMs: undefined, detail: `SBP bank ${this.code}` };
  }

  contractRequirements(): readonly ContractRequirement[] {
    return [
      { code: 'sbp_agreement', title: 'SBP acquiring agreement', description: 'An agreement with the bank to accept payments through the Faster Payments System (SBP), with the merchant registered at NSPK (its merchant id).' },
      { code: 'sbp_notification_url', title: 'Notification address', description: 'The bank sends payment notifications to the gateway\'s /plugins/sbp/notifications address, signed with the key agreed with it.' },
    ];
  }
}
