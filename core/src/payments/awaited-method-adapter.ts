import {
  BankAdapter,
  BankHealth,
  BankResult,
  ContractRequirement,
  InquiryRequest,
  InquiryResult,
  InstrumentPaymentRequest,
  RefundRequest,
} from '../banks/bank-adapter';

/** What the bank or wallet says of a payment, in the base's words: settled either way, unknown to it, or still open (its own word in `detail`). */
export type AwaitedPaymentStatus = { readonly kind: 'paid' | 'refused' | 'not_found' } | { readonly kind: 'open'; readonly detail: string };

/** A refund's outcome at the bank or wallet; `pending` is asked again later with the same reference. */
export type AwaitedRefundStatus = 'succeeded' | 'pending' | 'refused';

/** A refusal as the bank adapter reports it. */
interface Refusal {
  readonly rawCode: string;
  readonly message: string;
}

/**
 * The words of one kind of awaited method's adapter: what it answers for card
 * operations it cannot do, for a refused payment, an unknown reference, a refund
 * still running or refused, and how its health names it.
 */
export interface AwaitedMethodTexts {
  readonly notSupported: Refusal;
  readonly refused: Refusal;
  readonly notFound: string;
  readonly refundPending: string;
  readonly refundRefused: Refusal;
  /** Health detail and the prefix of an open status, e.g. 'SBP bank' and 'SBP payment'. */
  readonly healthLabel: string;
  readonly statusLabel: string;
}

/**
 * The shared part of bank adapters for payments the buyer completes elsewhere (SBP
 * QR codes, e-wallet redirects), next to AwaitedPaymentSettler which settles them:
 * `pay` (the subclass's: register the payment, answer `action_required` with its
 * next action) is held until a notification or an inquiry settles it; `inquire`
 * maps the provider's status (paid: approved, refused: declined, open: unknown, so
 * Tender's own expiry decides); `refund` maps the provider's refund; there is
 * nothing to capture or void (the money moved when the buyer paid), and cards are
 * not its business. A sandbox provider moves no money, so the adapter keeps its own
 * ledger (test-mode payments may reach it).
 *
 * @example
 * ```ts
 * class AcmeQrAdapter extends AwaitedMethodAdapter {
 *   constructor(readonly bank: AcmeQrBank) { super(bank, 'acme_qr', ACME_TEXTS); }
 *   async pay(r: InstrumentPaymentRequest) { const qr = await this.bank.register(r); return { kind: 'action_required', expiresAt: qr.expiresAt, nextAction: { type: 'display_qr', ... } }; }
 *   protected async paymentStatus(r: InquiryRequest) { return mapAcme(await this.bank.status(r.reference)); }
 *   protected async refundStatus(r: RefundRequest) { return (await this.bank.refund(r)) ? 'succeeded' : 'refused'; }
 *   contractRequirements() { return []; }
 * }
 * ```
 */
export abstract class AwaitedMethodAdapter implements BankAdapter {
  readonly code: string;
  readonly capabilities: readonly string[];
  /** A sandbox moves no real money: test-mode payments may reach it (BankAdapter.ownLedger). */
  readonly ownLedger: boolean;

  protected constructor(
    provider: { readonly code: string; readonly sandbox?: boolean },
    capability: string,
    private readonly texts: AwaitedMethodTexts,
  ) {
    this.code = provider.code;
    this.capabilities = [capability];
    this.ownLedger = provider.sandbox === true;
  }

  abstract pay(request: InstrumentPaymentRequest): Promise<BankResult>;
  abstract contractRequirements(): readonly ContractRequirement[];
  /** The provider's status of the payment `request.reference`. */
  protected abstract paymentStatus(request: InquiryRequest): Promise<AwaitedPaymentStatus>;
  /** The provider's refund `request.reference` of `request.original.reference`. */
  protected abstract refundStatus(request: RefundRequest): Promise<AwaitedRefundStatus>;

  async inquire(request: InquiryRequest): Promise<InquiryResult> {
    const status = await this.paymentStatus(request);
    switch (status.kind) {
      case 'paid':
        return { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: undefined };
      case 'refused':
        return { kind: 'declined', reason: 'do_not_honor', ...this.texts.refused };
      case 'not_found':
        return { kind: 'not_found', message: this.texts.notFound };
      default:
        // Still waiting, or lapsed unpaid: Tender's own expiry decides (AwaitedPaymentSettler).
        return { kind: 'unknown', message: `${this.texts.statusLabel} ${status.detail}` };
    }
  }

  async refund(request: RefundRequest): Promise<BankResult> {
    const status = await this.refundStatus(request);
    if (status === 'succeeded') return { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: undefined };
    if (status === 'pending') return { kind: 'unknown', message: this.texts.refundPending };
    return { kind: 'declined', reason: 'do_not_honor', ...this.texts.refundRefused };
  }

  /** A provider's refusal to register the payment (`refused`) or failure to (`unavailable`), as `pay` answers it. */
  protected notRegistered(answer: { readonly kind: 'refused' | 'unavailable'; readonly code: string; readonly message: string }): BankResult {
    return answer.kind === 'refused'
      ? { kind: 'declined', reason: 'do_not_honor', rawCode: answer.code, message: answer.message }
      : { kind: 'technical_failure', reason: 'processing_error', rawCode: answer.code, message: answer.message };
  }

  async authorize(): Promise<BankResult> {
    return this.notSupported();
  }

  /** Nothing is held: a paid payment is a completed transfer. */
  async capture(): Promise<BankResult> {
    return this.notSupported();
  }

  async void(): Promise<BankResult> {
    return this.notSupported();
  }

  async health(): Promise<BankHealth> {
    return { ok: true, latencyMs: undefined, detail: `${this.texts.healthLabel} ${this.code}` };
  }

  private notSupported(): BankResult {
    return { kind: 'declined', reason: 'card_not_supported', ...this.texts.notSupported };
  }
}
