import { BankAdapter, BankHealth, BankResult, Clock, ContractRequirement, InquiryRequest, InquiryResult, InstrumentPaymentRequest, RefundRequest, webUrl } from '@tender/core';
import { WalletProvider } from './wallet-provider';

/** The bank capability of wallet payments; only adapters that list it are offered the `e_wallet` method. */
export const WALLET_CAPABILITY = 'wallet_redirect';

/** A wallet holds nothing for later: cards and follow-ups other than refunds are not its business. */
const NOT_SUPPORTED: BankResult = { kind: 'declined', reason: 'card_not_supported', rawCode: 'WALLET', message: 'An e-wallet takes wallet payments only.' };

/**
 * A Tender bank adapter over a WalletProvider: `pay` creates the wallet payment and
 * answers `action_required` with a `redirect_to_url` next action (the wallet's
 * page), held until the wallet's notification or a status inquiry settles it;
 * `refund` refunds through the wallet. Wallet payments are captured at once.
 *
 * @example
 * ```ts
 * ctx.registerBankAdapter(new WalletAdapter(new AcmeWallet(options), ctx.core.clock, 30 * 60_000));
 * ```
 */
export class WalletAdapter implements BankAdapter {
  readonly code: string;
  readonly capabilities = [WALLET_CAPABILITY];
  readonly ownLedger: boolean;

  constructor(readonly wallet: WalletProvider, private readonly clock: Clock, private readonly ttlMs: number) {
    this.code = wallet.code;
    this.ownLedger = wallet.sandbox === true;
  }

  async pay(request: InstrumentPaymentRequest): Promise<BankResult> {
    const returnUrl = request.instrument.return_url;
    if (returnUrl === undefined) throw new Error('a wallet payment needs the instrument field return_url');
    const created = await this.wallet.createPayment({
      reference: request.reference, paymentId: request.paymentId, amount: request.amount, currency: request.currency, livemode: request.livemode,
      description: (request.instrument.description ?? request.paymentId).slice(0, 128), returnUrl, expiresAt: this.clock.now() + this.ttlMs, connection: request.connection,
    });
    if (created.kind !== 'created') {
      return created.kind === 'refused' ? { kind: 'declined', reason: 'do_not_honor', rawCode: created.code, message: created.message } : { kind: 'technical_failure', reason: 'processing_error', rawCode: created.code, message: created.message };
    }
    // The page links to it: only an http(s) address is a place to send a buyer.
    const url = webUrl(created.redirectUrl);
    if (url === null) return { kind: 'technical_failure', reason: 'processing_error', rawCode: 'bad_redirect', message: 'The wallet answered an address that is not http(s).' };
    return { kind: 'action_required', expiresAt: created.expiresAt, nextAction: { type: 'redirect_to_url', url } };
  }

  async inquire(request: InquiryRequest): Promise<InquiryResult> {
    const status = await this.wallet.status({ reference: request.reference, livemode: request.livemode, connection: request.connection });
    if (status === 'succeeded') return { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: undefined };
    if (status === 'canceled') return { kind: 'declined', reason: 'do_not_honor', rawCode: 'canceled', message: 'The buyer canceled the payment in the wallet, or the wallet refused it.' };
    if (status === 'not_found') return { kind: 'not_found', message: 'The wallet has no payment with this reference.' };
    return { kind: 'unknown', message: `wallet payment ${status}` };
  }

  async refund(request: RefundRequest): Promise<BankResult> {
    const status = await this.wallet.refund({ reference: request.reference, originalReference: request.original.reference, amount: request.amount, currency: request.currency, livemode: request.livemode, connection: request.connection });
    if (status === 'succeeded') return { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: undefined };
    if (status === 'pending') return { kind: 'unknown', message: 'The wallet has not finished the refund yet.' };
    return { kind: 'declined', reason: 'do_not_honor', rawCode: 'refund_canceled', message: 'The wallet refused the refund.' };
  }

  authorize(): Promise<BankResult> {
    return Promise.resolve(NOT_SUPPORTED);
  }

  capture(): Promise<BankResult> {
    return Promise.resolve(NOT_SUPPORTED);
  }

  void(): Promise<BankResult> {
    return Promise.resolve(NOT_SUPPORTED);
  }

  async health(): Promise<BankHealth> {
    return { ok: true, latencyMs: undefined, detail: `e-wallet ${this.code}` };
  }

  contractRequirements(): readonly ContractRequirement[] {
    return [
      { code: 'wallet_shop_account', title: 'Wallet shop account', description: 'A shop account at the wallet (shop id and secret key) with payments by redirect enabled.' },
      { code: 'wallet_notification_url', title: 'Notification address', description: 'The wallet sends its HTTP notifications to the gateway\'s /plugins/e-wallet/notifications address.' },
    ];
  }
}
