import {
  AwaitedMethodAdapter,
  AwaitedMethodTexts,
  AwaitedPaymentStatus,
  AwaitedRefundStatus,
  BankResult,
  Clock,
  ContractRequirement,
  InquiryRequest,
  InstrumentPaymentRequest,
  RefundRequest,
} from '@tender/core';
import { SbpBank } from './sbp-bank';
import { qrImageDataUrl } from './qr-image';

/** The bank capability of SBP QR payments; only adapters that list it are offered the `sbp` method. */
export const SBP_CAPABILITY = 'sbp_qr';

const SBP_TEXTS: AwaitedMethodTexts = {
  notSupported: { rawCode: 'SBP', message: 'An SBP bank takes QR payments, not cards.' },
  refused: { rawCode: 'rejected', message: 'The buyer or their bank rejected the SBP payment.' },
  notFound: 'The SBP bank has no QR with this reference.',
  refundPending: 'The SBP return transfer is not finished yet.',
  refundRefused: { rawCode: 'refund_failed', message: 'The SBP bank refused the return transfer.' },
  healthLabel: 'SBP bank',
  statusLabel: 'SBP payment',
};

/**
 * A Tender bank adapter over an SbpBank (core's AwaitedMethodAdapter): `pay`
 * registers a dynamic QR and answers `action_required` with a `display_qr` next
 * action (payload, PNG image, and the payload again as the phone's bank-app link),
 * held until the bank's notification or a status inquiry settles it; `refund` is a
 * return transfer. An SBP payment is a transfer, complete when paid: there is nothing
 * to capture or void.
 *
 * @example
 * ```ts
 * ctx.registerBankAdapter(new SbpBankAdapter(new AcmeSbpBank(options), ctx.core.clock, 15 * 60_000));
 * ```
 */
export class SbpBankAdapter extends AwaitedMethodAdapter {
  constructor(
    readonly bank: SbpBank,
    private readonly clock: Clock,
    private readonly qrTtlMs: number,
  ) {
    super(bank, SBP_CAPABILITY, SBP_TEXTS);
  }

  async pay(request: InstrumentPaymentRequest): Promise<BankResult> {
    const expiresAt = this.clock.now() + this.qrTtlMs;
    const purpose = (request.instrument.purpose ?? `Payment ${request.paymentId}`).slice(0, 140);
    const qr = await this.bank.registerQr({
      reference: request.reference,
      paymentId: request.paymentId,
      amount: request.amount,
      currency: request.currency,
      livemode: request.livemode,
      purpose,
      expiresAt,
      connection: request.connection,
    });
    if (qr.kind !== 'registered') return this.notRegistered(qr);
    return {
      kind: 'action_required',
      expiresAt: qr.expiresAt,
      nextAction: { type: 'display_qr', qr: { payload: qr.payload, image_data_url: await qrImageDataUrl(qr.payload) }, mobile_url: qr.payload },
    };
  }

  protected async paymentStatus(request: InquiryRequest): Promise<AwaitedPaymentStatus> {
    const status = await this.bank.status({ reference: request.reference, livemode: request.livemode, connection: request.connection });
    if (status === 'paid' || status === 'not_found') return { kind: status };
    return status === 'rejected' ? { kind: 'refused' } : { kind: 'open', detail: status };
  }

  protected async refundStatus(request: RefundRequest): Promise<AwaitedRefundStatus> {
    const status = await this.bank.refund({
      reference: request.reference,
      originalReference: request.original.reference,
      amount: request.amount,
      currency: request.currency,
      livemode: request.livemode,
      connection: request.connection,
    });
    return status === 'failed' ? 'refused' : status;
  }

  contractRequirements(): readonly ContractRequirement[] {
    return [
      {
        code: 'sbp_agreement',
        title: 'SBP acquiring agreement',
        description:
          'An agreement with the bank to accept payments through the Faster Payments System (SBP), with the merchant registered at NSPK (its merchant id).',
      },
      {
        code: 'sbp_notification_url',
        title: 'Notification address',
        description: "The bank sends payment notifications to the gateway's /plugins/sbp/notifications address, signed with the key agreed with it.",
      },
    ];
  }
}
