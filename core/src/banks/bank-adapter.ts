/**
 * EXTENSION POINT: one bank or processing centre.
 *
 * An adapter turns Tender's bank operations into the bank's protocol. Results are
 * typed values, never thrown strings: `approved`, `declined` (a normalized reason
 * plus the bank's raw code), `technical_failure` (the bank or link failed; safe to
 * try elsewhere) and `unknown` (no answer: the outcome must be settled by an
 * inquiry or a reversal, never guessed).
 *
 * Every operation carries a `reference` that Tender keeps: a retry of the same
 * operation uses the same reference, and an adapter must treat it as the same
 * request (answer again, never charge twice).
 *
 * @example
 * ```ts
 * class MyBankAdapter implements BankAdapter {
 *   readonly code = 'mybank';
 *   async authorize(req: AuthorizationRequest): Promise<BankResult> {
 *     const answer = await this.link.send(toIsoMessage(req));
 *     return answer.code === '00'
 *       ? { kind: 'approved', authorizationCode: answer.authCode, rrn: answer.rrn, bankReference: answer.rrn }
 *       : { kind: 'declined', reason: 'do_not_honor', rawCode: answer.code, message: 'Declined by issuer' };
 *   }
 *   // capture, void, refund, inquire, health, contractRequirements ...
 * }
 * ```
 */
export interface BankAdapter {
  /** Unique, stable code; bank connections refer to the adapter by it. */
  readonly code: string;
  /** Called once at start-up; throw to refuse to start with a bad configuration. */
  init?(): Promise<void>;
  /** True when the bank's refund message needs the PAN again (e.g. ISO 8583 0200 refunds). */
  readonly refundNeedsCard?: boolean;
  /** Called at shutdown: close connections, stop timers. */
  destroy?(): Promise<void>;

  /** Authorize (capture=false) or purchase in one message (capture=true). */
  authorize(request: AuthorizationRequest): Promise<BankResult>;
  /** Capture all or part of an earlier authorization. */
  capture(request: FollowUpRequest): Promise<BankResult>;
  /** Void an uncaptured authorization (a reversal). */
  void(request: FollowUpRequest): Promise<BankResult>;
  /** Return money from a captured payment; may be partial and repeated. */
  refund(request: RefundRequest): Promise<BankResult>;
  /** What happened to an operation whose answer was lost. */
  inquire(request: InquiryRequest): Promise<InquiryResult>;
  /**
   * 3-D Secure, for adapters whose `authorize` can answer `action_required`: the
   * server that verifies what the buyer's browser brings back from the issuer's
   * challenge page (docs/hosted-page.md, "3-D Secure").
   */
  readonly threeDSecure?: ThreeDSecureServer;
  /**
   * Finishes an authorization the bank held for 3-D Secure (same `reference` as the
   * `authorize` that answered `action_required`), with the authentication result.
   * Never `action_required` again.
   */
  completeAuthorization?(request: AuthenticatedAuthorizationRequest): Promise<BankResult>;
  health(): Promise<BankHealth>;
  /** Documents and steps the bank requires from a merchant before it signs a contract. */
  contractRequirements(): readonly ContractRequirement[];
  /**
   * Optional: debit a payer's personal account at this bank (payments from a personal
   * account, the payer proven by a client certificate). Follow-ups (capture, void,
   * refund, inquire) use the same operations as cards. See AccountDebitRequest.
   */
  debitAccount?(request: AccountDebitRequest): Promise<BankResult>;
  /**
   * Optional: the bank capabilities this adapter offers to payment methods
   * (core/src/methods/bank-capability.ts). Without it they follow from the
   * operations above: `card_authorization` (authorize) and, with debitAccount,
   * `account_debit`. With it, the list is the whole truth: an adapter that only
   * redeems vouchers declares `['voucher_redemption']` and is never routed a card.
   */
  readonly capabilities?: readonly string[];
  /**
   * Optional: true when the adapter is its own ledger and moves no money outside the
   * gateway (a plugin's prepaid vouchers or gift codes), keeping test-mode operations
   * (`livemode: false`) apart from live ones. A test-mode payment whose instrument is
   * bound to it (`PaymentInstrument.issuerAdapter`) may then reach it; without it,
   * test mode reaches only the sandbox, so a method whose capability the sandbox
   * lacks could not be tried in test mode at all. A real bank's adapter leaves this
   * unset. Routing by connections (no issuer) still sends test mode to the sandbox.
   *
   * @example
   * ```ts
   * class VoucherLedgerAdapter implements BankAdapter {
   *   readonly code = 'voucher';
   *   readonly capabilities = ['voucher_redemption'];
   *   readonly ownLedger = true; // test vouchers are rows with livemode = false
   *   // pay, capture, void, refund, inquire, ...
   * }
   * ```
   */
  readonly ownLedger?: boolean;
  /**
   * Optional: a payment with an instrument of any capability that has no operation
   * of its own above (`redirect`, `async_confirmation`, or a plugin's own such as
   * `voucher_redemption`). Follow-ups use capture, void, refund and inquire as for
   * cards. The answer is a BankResult like authorize's: `unknown` is settled by
   * inquiry (asynchronous confirmation), `action_required` sends the buyer to the
   * bank's page (a redirect).
   */
  pay?(request: InstrumentPaymentRequest): Promise<BankResult>;
}

/**
 * A payment with a method's instrument: `capability` says what is asked and
 * `instrument` carries the method's own fields (a voucher code, a wallet token),
 * as the method's `instrument()` made them. Never card data: cards go through
 * `authorize` and the vault's rules.
 */
export interface InstrumentPaymentRequest {
  readonly reference: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly capture: boolean;
  readonly livemode: boolean;
  readonly capability: string;
  readonly instrument: Readonly<Record<string, string>>;
  readonly connection: BankConnectionTerms;
}

/** A debit of a payer's personal account; `capture` as in AuthorizationRequest. */
export interface AccountDebitRequest {
  readonly reference: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly capture: boolean;
  readonly livemode: boolean;
  readonly account: { readonly number: string; readonly payerId: string; readonly certificateSerial: string };
  readonly connection: BankConnectionTerms;
}

/** Injection token under which every adapter is registered (read back with resolveAll). */
export const BANK_ADAPTER = Symbol('BankAdapter');

export interface BankConnectionTerms {
  /** The bank's merchant id (ISO 8583 field 42) and terminal id (field 41), when contracted. */
  readonly bankMerchantId: string | undefined;
  readonly terminalId: string | undefined;
}

/**
 * Card-on-file facts for the bank (stored credentials; CIT = cardholder-initiated,
 * MIT = merchant-initiated). An adapter marks the authorization accordingly (the
 * ISO 8583 dialect's POS entry mode and stored-credential indicator, a 3DS
 * requestor's `threeDSRequestorAuthenticationInd`); without it the payment is an
 * ordinary one with a card typed in.
 *
 * @example
 * ```ts
 * // The payment that saves the card (the buyer consented on the hosted page):
 * const first: StoredCredential = { initiator: 'cardholder', sequence: 'first' };
 * // A monthly charge later, the buyer absent:
 * const later: StoredCredential = { initiator: 'merchant', sequence: 'subsequent', reason: 'recurring', originalReference: 'sbxnt_0123456789abcdef' };
 * ```
 */
export interface StoredCredential {
  readonly initiator: 'cardholder' | 'merchant';
  /** 'first': the payment that stores the card; 'subsequent': a payment with a card stored earlier. */
  readonly sequence: 'first' | 'subsequent';
  /** Why a merchant-initiated payment is made; only with initiator 'merchant'. */
  readonly reason?: 'recurring' | 'unscheduled';
  /** The first payment's network reference (BankResult approved `networkReference`), on subsequent payments. */
  readonly originalReference?: string;
}

export interface CardData {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  /** Present only on the first authorization, never stored; a merchant-initiated payment has none. */
  readonly cvc: string | undefined;
  readonly holderName: string | undefined;
  /** The card is (or is being) stored on file: who initiates and which payment of the series this is. */
  readonly storedCredential?: StoredCredential;
}

export interface AuthorizationRequest {
  readonly reference: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly capture: boolean;
  readonly livemode: boolean;
  readonly card: CardData;
  readonly connection: BankConnectionTerms;
  /**
   * Tender wants the cardholder authenticated before the authorization (a risk
   * decision `challenge`, docs/risk.md). Set only for adapters that have
   * `threeDSecure` and `completeAuthorization`, and only when the buyer is on the
   * hosted page. The adapter should then ask the bank/3DS server for a challenge
   * (3DS 2 `threeDSRequestorChallengeInd` 04, "challenge requested: mandate") and
   * answer `action_required`; a bank that still authorizes frictionlessly may answer
   * `approved`. The sandbox challenges every approvable test card when it is set.
   *
   * @example
   * ```ts
   * await adapter.authorize({ ...request, requireAuthentication: true }); // { kind: 'action_required', challenge }
   * ```
   */
  readonly requireAuthentication?: boolean;
  /**
   * The cardholder was authenticated before this authorization (3-D Secure done by a
   * 3DS server outside the adapter): the adapter passes the ECI and the CAVV
   * (authentication value) to the bank, e.g. in an ISO 8583 dialect's private field.
   *
   * @example
   * ```ts
   * await adapter.authorize({ ...request, authentication: { transStatus: 'Y', eci: '05', authenticationValue: 'AAABBEg0VhI0VniQEjRWAAAAAAA=' } });
   * ```
   */
  readonly authentication?: AuthenticationResult;
  /**
   * Authorize only to verify the card (a setup that charges nothing): the adapter may
   * send an account verification (a zero-amount authorization; Tender's ISO 8583
   * adapter sends an 0100 with amount zero and POS condition 51) instead of
   * authorizing `amount`. An approval
   * is voided by core at once; nothing is captured.
   *
   * @example
   * ```ts
   * await adapter.authorize({ ...request, capture: false, verification: true }); // { kind: 'approved', networkReference: '...' }
   * ```
   */
  readonly verification?: boolean;
}

export interface FollowUpRequest {
  readonly reference: string;
  readonly paymentId: string;
  /** The authorization this follows: its reference and what the bank returned. */
  readonly original: OriginalOperation;
  readonly amount: number;
  readonly currency: string;
  readonly livemode: boolean;
  readonly connection: BankConnectionTerms;
}

export interface RefundRequest extends FollowUpRequest {
  /** Some banks need the PAN again for a refund; revealed from the vault only then. */
  readonly card: CardData | undefined;
}

export interface OriginalOperation {
  readonly reference: string;
  readonly authorizationCode: string | undefined;
  readonly rrn: string | undefined;
  readonly bankReference: string | undefined;
  readonly amount: number;
  readonly cardBin: string | undefined;
  readonly cardLast4: string | undefined;
}

export interface InquiryRequest {
  readonly kind: BankOperationKind;
  readonly reference: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly livemode: boolean;
  readonly cardBin: string | undefined;
  readonly cardLast4: string | undefined;
  readonly connection: BankConnectionTerms;
}

export type BankOperationKind = 'authorize' | 'sale' | 'capture' | 'void' | 'refund';

/** Normalized decline reasons; the bank's own code travels beside it as rawCode. */
export type DeclineReason =
  | 'do_not_honor'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'invalid_card'
  | 'card_not_supported'
  | 'authentication_required'
  | 'authentication_failed'
  | 'fraud_suspected'
  | 'limit_exceeded';

export type BankResult =
  | ActionRequiredResult
  | ApprovedResult
  | { readonly kind: 'declined'; readonly reason: DeclineReason; readonly rawCode: string; readonly message: string }
  | {
      readonly kind: 'technical_failure';
      readonly reason: 'processing_error' | 'bank_unreachable';
      readonly rawCode: string | undefined;
      readonly message: string;
    }
  | { readonly kind: 'unknown'; readonly message: string };

/** The bank approved the operation. */
export interface ApprovedResult {
  readonly kind: 'approved';
  readonly authorizationCode: string | undefined;
  readonly rrn: string | undefined;
  readonly bankReference: string | undefined;
  /**
   * The card network's transaction identifier of an approved authorization (Visa's
   * transaction id, Mastercard's trace id): kept on the payment
   * (`payments.network_reference`) and sent as `StoredCredential.originalReference`
   * on later merchant-initiated payments with the same stored card.
   */
  readonly networkReference?: string;
}

/** A bank's final answer to an operation: neither "ask the buyer first" nor "no answer". */
export type SettledBankResult = Exclude<BankResult, { kind: 'unknown' } | ActionRequiredResult>;

/**
 * The payment waits in `requires_action` for the buyer: either a 3-D Secure
 * challenge (ChallengeRequiredResult) or a payment the buyer completes elsewhere,
 * in a bank's app or a wallet's page (BuyerActionRequiredResult).
 */
export type ActionRequiredResult = ChallengeRequiredResult | BuyerActionRequiredResult;

/**
 * The bank holds the authorization until the cardholder authenticates: the buyer's
 * browser must be sent to `challenge.acsUrl` (posting `creq`), and the payment
 * waits in `requires_action`.
 */
export interface ChallengeRequiredResult {
  readonly kind: 'action_required';
  readonly challenge: ThreeDSecureChallenge;
  readonly nextAction?: undefined;
}

/**
 * The buyer completes the payment outside Tender (scans a QR code in a bank's app,
 * pays on a wallet's page) before `expiresAt`. The payment waits in
 * `requires_action` showing `nextAction` (API `next_action`, and the hosted page);
 * the operation stays held until the adapter's plugin reports a verified
 * notification (AwaitedPaymentSettler.settle) or a status inquiry
 * (`inquire`, asked by the settler's job) answers it. At `expiresAt` the settler
 * asks once more and, still unpaid, fails the payment (`failure_code`
 * `action_expired`). See docs/bank-adapters.md, "Payments the buyer completes elsewhere".
 *
 * @example
 * ```ts
 * return { kind: 'action_required', expiresAt: now + 15 * 60_000,
 *   nextAction: { type: 'display_qr', qr: { payload: 'https://qr.nspk.ru/AD10...', image_data_url: 'data:image/png;base64,...' } } };
 * ```
 */
export interface BuyerActionRequiredResult {
  readonly kind: 'action_required';
  readonly nextAction: NextAction;
  /** When the offer lapses (ms since the epoch); the bank must not accept the payment after it. */
  readonly expiresAt: number;
  readonly challenge?: undefined;
}

/**
 * What the buyer must do to finish a payment outside Tender.
 *
 * - `display_qr`: show a QR code (its `payload`, the text encoded, and a rendered
 *   image as a `data:image/png;base64,` or `data:image/svg+xml;base64,` URL); on a
 *   phone, `mobile_url` opens the payment in a bank's or wallet's app.
 * - `redirect_to_url`: send the buyer's browser to `url` (absolute https, or http
 *   on a loopback sandbox).
 *
 * @example
 * ```ts
 * const qr: NextAction = { type: 'display_qr', qr: { payload: 'https://qr.nspk.ru/AD1000...', image_data_url: 'data:image/png;base64,iVBOR...' }, mobile_url: 'https://qr.nspk.ru/AD1000...' };
 * const wallet: NextAction = { type: 'redirect_to_url', url: 'https://wallet.example/pay/w_123' };
 * ```
 */
export type NextAction =
  | { readonly type: 'display_qr'; readonly qr: { readonly payload: string; readonly image_data_url: string }; readonly mobile_url?: string }
  | { readonly type: 'redirect_to_url'; readonly url: string };

/**
 * A 3-D Secure challenge. `acsUrl` is absolute, or a path on the gateway itself
 * (the sandbox's simulated ACS).
 */
export interface ThreeDSecureChallenge {
  readonly acsUrl: string;
  readonly transactionId: string;
  /** Opaque challenge request the browser posts to the ACS as the form field `creq`. */
  readonly creq: string;
}

/** 3-D Secure 2 transStatus: Y authenticated, A attempted, N not authenticated, R rejected, U unavailable. */
export type TransStatus = 'Y' | 'A' | 'N' | 'R' | 'U';

export interface AuthenticationResult {
  readonly transStatus: TransStatus;
  /** Electronic Commerce Indicator for the authorization (e.g. 05 Visa authenticated). */
  readonly eci: string | undefined;
  /** The CAVV/AAV the ACS issued (base64), when the 3DS server has one. */
  readonly authenticationValue?: string;
}

/**
 * SEAM: the 3-D Secure server. It verifies the challenge response (CRes) the buyer's
 * browser posts back from the ACS and returns the authoritative result; a real 3DS
 * server would look up the RReq it received from the ACS rather than trust the
 * browser. The sandbox's implementation checks its own signature on the CRes.
 *
 * @example
 * ```ts
 * const result = await adapter.threeDSecure.verifyChallenge({ transactionId: 'tds_1', cres });
 * if (result.transStatus === 'Y') await adapter.completeAuthorization({ ...request, authentication: result });
 * ```
 */
export interface ThreeDSecureServer {
  verifyChallenge(input: { readonly transactionId: string; readonly cres: string }): Promise<AuthenticationResult>;
}

/** The authorization the bank held, by its reference; no card data (the bank already has it). */
export interface AuthenticatedAuthorizationRequest extends Omit<AuthorizationRequest, 'card'> {
  readonly authentication: AuthenticationResult;
}

export type InquiryResult = BankResult | { readonly kind: 'not_found'; readonly message: string };

export interface BankHealth {
  readonly ok: boolean;
  readonly latencyMs: number | undefined;
  readonly detail: string;
}

export interface ContractRequirement {
  readonly code: string;
  readonly title: string;
  readonly description: string;
}
