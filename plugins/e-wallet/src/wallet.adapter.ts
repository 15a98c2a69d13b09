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
  webUrl,
} from '@tender/core';
import { WalletProvider } from './wallet-provider';

/** The bank capability of wallet payments; only adapters that list it are offered the `e_wallet` method. */
export const WALLET_CAPABILITY = 'wallet_redirect';

const WALLET_TEXTS: AwaitedMethodTexts = {
  notSupported: { rawCode: 'WALLET', message: 'An e-wallet takes wallet payments only.' },
  refused: { rawCode: 'canceled', message: 'The buyer canceled the payment in the wallet, or the wallet refused it.' },
  notFound: 'The wallet has no payment with this reference.',
  refundPending: 'The wallet has not finished the refund yet.',
  refundRefused: { rawCode: 'refund_canceled', message: 'The wallet refused the refund.' },
  healthLabel: 'e-wallet',
  statusLabel: 'wallet payment',
};

/**
 * A Tender bank adapter over a WalletProvider (core's AwaitedMethodAdapter): `pay`
 * creates the wallet payment and answers `action_required` with a `redirect_to_url`
 * next action (the wallet's page), held until the wallet's notification or a status
 * inquiry settles it; `refund` refunds through the wallet. Wallet payments are
 * captured at once.
 *
 * @example
 * ```ts
 * ctx.registerBankAdapter(new WalletAdapter(new AcmeWallet(options), ctx.core.clock, 30 * 60_000));
 * ```
 */
export class WalletAdapter extends AwaitedMethodAdapter {
  constructor(
    readonly wallet: WalletProvider,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {
    super(wallet, WALLET_CAPABILITY, WALLET_TEXTS);
  }

  async pay(request: InstrumentPaymentRequest): Promise<BankResult> {
    const returnUrl = request.instrument.return_url;
    if (returnUrl === undefined) throw new Error('a wallet payment needs the instrument field return_url');
    const created = await this.wallet.createPayment({
      reference: request.reference,
      paymentId: request.paymentId,
      amount: request.amount,
      currency: request.currency,
      livemode: request.livemode,
      description: (request.instrument.description ?? request.paymentId).slice(0, 128),
      returnUrl,
      expiresAt: this.clock.now() + this.ttlMs,
      connection: request.connection,
    });
    if (created.kind !== 'created') return this.notRegistered(created);
    // The page links to it: only an http(s) address is a place to send a buyer.
    const url = webUrl(created.redirectUrl);
    if (url === null)
      return { kind: 'technical_failure', reason: 'processing_error', rawCode: 'bad_redirect', message: 'The wallet answered an address that is not http(s).' };
    return { kind: 'action_required', expiresAt: created.expiresAt, nextAction: { type: 'redirect_to_url', url } };
  }

  protected async paymentStatus(request: InquiryRequest): Promise<AwaitedPaymentStatus> {
    const status = await this.wallet.status({ reference: request.reference, livemode: request.livemode, connection: request.connection });
    if (status === 'not_found') return { kind: status };
    if (status === 'succeeded') return { kind: 'paid' };
    return status === 'canceled' ? { kind: 'refused' } : { kind: 'open', detail: status };
  }

  protected async refundStatus(request: RefundRequest): Promise<AwaitedRefundStatus> {
    const status = await this.wallet.refund({
      reference: request.reference,
      originalReference: request.original.reference,
      amount: request.amount,
      currency: request.currency,
      livemode: request.livemode,
      connection: request.connection,
    });
    return status === 'canceled' ? 'refused' : status;
  }

  contractRequirements(): readonly ContractRequirement[] {
    return [
      {
        code: 'wallet_shop_account',
        title: 'Wallet shop account',
        description: 'A shop account at the wallet (shop id and secret key) with payments by redirect enabled.',
      },
      {
        code: 'wallet_notification_url',
        title: 'Notification address',
        description: "The wallet sends its HTTP notifications to the gateway's /plugins/e-wallet/notifications address.",
      },
    ];
  }
}
