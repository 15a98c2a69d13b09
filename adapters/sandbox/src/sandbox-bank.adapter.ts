import { createHash } from 'node:crypto';
import {
  AccountDebitRequest,
  ApprovedResult,
  AuthenticatedAuthorizationRequest,
  AuthorizationRequest,
  BankAdapter,
  BankHealth,
  BankResult,
  ContractRequirement,
  FollowUpRequest,
  InquiryRequest,
  InquiryResult,
  RefundRequest,
  ThreeDSecureServer,
} from '@tender/core';
import { TEST_CARDS, TestCardBehaviour, findByMaskedParts } from './test-cards';
import { TEST_ACCOUNTS } from './test-accounts';
import { SandboxThreeDSecureServer, sandboxChallenge } from './sandbox-three-d-secure';
import { SandboxAuthorizationFacts, SandboxLedger } from './sandbox-ledger';

export interface SandboxOptions {
  /** Simulated bank latency per request, in milliseconds (default 0). */
  readonly latencyMs?: number;
}

/**
 * The sandbox bank: answers from the test-card table, with no network. Approval
 * codes are a function of the reference, so a retry gets the same answer, as the
 * BankAdapter contract requires. It keeps a ledger (SandboxLedger): captures
 * and refunds add up against what was authorized and paid, account debits and
 * holds against the account's balance, voids and refunds give money back.
 *
 * The 3-D Secure card answers `action_required` with a challenge at the simulated
 * ACS (sandbox-acs.routes.ts); `completeAuthorization` then approves an authenticated
 * buyer and declines anyone else. With `requireAuthentication` every approving test
 * card is challenged the same way; declining and failing cards answer as usual.
 *
 * Stored credentials (card on file): a merchant-initiated authorization
 * (`storedCredential.initiator` 'merchant') needs no CVC and is never challenged,
 * except with the card that asks for authentication on every payment (4000 0027
 * 6000 3184); the 3-D Secure card (3220) challenges buyer-present payments only. A
 * cardholder payment with no stored credential and no CVC is declined (N7).
 * Approved authorizations carry a `networkReference` (`sbxnt_` + 16 hex, a function
 * of the reference). What each authorization told the bank (initiator, sequence,
 * reason, original reference, verification; never card data) is kept for tests:
 * `authorizations()`.
 *
 * The timeout card is answered with `unknown`, as if the answer were lost on the
 * way back; a later inquiry reports it approved (the bank did authorize), which
 * is the case that punishes a gateway that guesses "failed".
 */
export class SandboxBankAdapter implements BankAdapter {
  readonly code = 'sandbox';
  readonly threeDSecure: ThreeDSecureServer = new SandboxThreeDSecureServer();
  private readonly ledger = new SandboxLedger();

  constructor(private readonly options: SandboxOptions = {}) {}

  /** What the authorizations told the bank, oldest first (for tests: stored-credential facts, verification). */
  authorizations(): readonly SandboxAuthorizationFacts[] {
    return this.ledger.authorizations();
  }

  async authorize(request: AuthorizationRequest): Promise<BankResult> {
    await this.latency();
    const stored = request.card.storedCredential;
    this.ledger.tell({
      reference: request.reference,
      paymentId: request.paymentId,
      amount: request.amount,
      capture: request.capture,
      last4: request.card.number.slice(-4),
      cvcGiven: request.card.cvc !== undefined,
      initiator: stored?.initiator,
      sequence: stored?.sequence,
      reason: stored?.reason,
      originalReference: stored?.originalReference,
      verification: request.verification === true,
    });
    const known = this.ledger.answered(request.reference);
    if (known !== undefined) return known;
    const result = this.answerAuthorization(request);
    if (result.kind === 'approved') this.ledger.open(request.reference, request.capture ? 'sale' : 'authorize', request.amount, undefined);
    // An unknown outcome (the timeout card) is not an answer: an inquiry settles it.
    return result.kind === 'unknown' ? result : this.ledger.remember(request.reference, result);
  }

  private answerAuthorization(request: AuthorizationRequest): BankResult {
    const behaviour = TEST_CARDS[request.card.number];
    if (behaviour === undefined) {
      return { kind: 'declined', reason: 'do_not_honor', rawCode: '05', message: 'Not a sandbox test card; test mode accepts only the documented test cards.' };
    }
    if (behaviour.result === 'timeout') return { kind: 'unknown', message: 'The sandbox bank did not answer (timeout test card).' };
    const stored = request.card.storedCredential;
    const merchantInitiated = stored?.initiator === 'merchant';
    if (stored === undefined && request.card.cvc === undefined) {
      return { kind: 'declined', reason: 'incorrect_cvc', rawCode: 'N7', message: 'Declined: a card typed in needs its CVC.' };
    }
    // Merchant-initiated: the buyer is absent, so no challenge, except from the issuer that authenticates every payment.
    if (merchantInitiated) return answerFor(behaviour.result === 'three_d_secure' ? { result: 'approve' } : behaviour, request.reference);
    // Tender asked for authentication (a risk challenge): any card the bank would approve gets a challenge.
    if (request.requireAuthentication === true && behaviour.result === 'approve') return answerFor({ result: 'three_d_secure' }, request.reference);
    return answerFor(behaviour, request.reference);
  }

  /** Debits (or holds on) a sandbox test account: approved up to what is left of its balance, in its currency, unless blocked. */
  async debitAccount(request: AccountDebitRequest): Promise<BankResult> {
    await this.latency();
    const known = this.ledger.answered(request.reference);
    if (known !== undefined) return known;
    const number = request.account.number;
    const account = TEST_ACCOUNTS[number];
    let result: BankResult;
    if (account === undefined) result = { kind: 'declined', reason: 'do_not_honor', rawCode: '05', message: 'Not a sandbox test account.' };
    else if (account.blocked) result = { kind: 'declined', reason: 'do_not_honor', rawCode: '62', message: 'The account is blocked.' };
    else if (account.currency !== request.currency)
      result = { kind: 'declined', reason: 'card_not_supported', rawCode: '57', message: `The account is held in ${account.currency}.` };
    else if (request.amount > account.balance - this.ledger.spentFrom(number))
      result = { kind: 'declined', reason: 'insufficient_funds', rawCode: '51', message: 'Insufficient funds in the account.' };
    else {
      result = approval(request.reference);
      this.ledger.open(request.reference, request.capture ? 'debit' : 'debit_hold', request.amount, number);
    }
    return this.ledger.remember(request.reference, result);
  }

  /** The 3-D Secure card after its challenge: authenticated (Y, A) is approved, anything else declined. */
  async completeAuthorization(request: AuthenticatedAuthorizationRequest): Promise<BankResult> {
    await this.latency();
    const status = request.authentication.transStatus;
    if (status === 'Y' || status === 'A') {
      this.ledger.open(request.reference, request.capture ? 'sale' : 'authorize', request.amount, undefined);
      return authorizationApproval(request.reference);
    }
    return {
      kind: 'declined',
      reason: 'authentication_failed',
      rawCode: `3DS-${status}`,
      message: `3-D Secure authentication failed (transStatus ${status}).`,
    };
  }

  async capture(request: FollowUpRequest): Promise<BankResult> {
    await this.latency();
    const known = this.ledger.answered(request.reference);
    if (known !== undefined) return known;
    const original = this.ledger.entry(request.original.reference);
    if (request.amount > request.original.amount || original?.voided === true || (original !== undefined && original.captured > 0)) {
      return this.ledger.remember(request.reference, {
        kind: 'declined',
        reason: 'limit_exceeded',
        rawCode: '13',
        message: 'Capture amount exceeds what is authorized and not yet captured.',
      });
    }
    if (original !== undefined) original.captured = request.amount;
    return this.ledger.remember(request.reference, approval(request.reference));
  }

  async void(request: FollowUpRequest): Promise<BankResult> {
    await this.latency();
    const known = this.ledger.answered(request.reference);
    if (known !== undefined) return known;
    const original = this.ledger.entry(request.original.reference);
    if (original !== undefined) original.voided = true;
    return this.ledger.remember(request.reference, approval(request.reference));
  }

  async refund(request: RefundRequest): Promise<BankResult> {
    await this.latency();
    const known = this.ledger.answered(request.reference);
    if (known !== undefined) return known;
    const original = this.ledger.entry(request.original.reference);
    // Refunds add up against what was paid; an original this process never saw is held to its own amount.
    const refundable = original === undefined ? request.original.amount : original.voided ? 0 : original.captured - original.refunded;
    if (request.amount > refundable) {
      return this.ledger.remember(request.reference, {
        kind: 'declined',
        reason: 'limit_exceeded',
        rawCode: '13',
        message: 'Refund amount exceeds what is left of the payment.',
      });
    }
    if (original !== undefined) original.refunded += request.amount;
    return this.ledger.remember(request.reference, approval(request.reference));
  }

  async inquire(request: InquiryRequest): Promise<InquiryResult> {
    await this.latency();
    const known = this.ledger.answered(request.reference);
    if (known !== undefined) return known;
    const behaviour = findByMaskedParts(request.cardBin, request.cardLast4);
    if (behaviour === undefined) return { kind: 'not_found', message: 'The sandbox bank has no record of this operation.' };
    // The timeout card's authorization did happen; only its answer was lost.
    if (behaviour.result === 'timeout')
      return request.kind === 'authorize' || request.kind === 'sale' ? authorizationApproval(request.reference) : approval(request.reference);
    return answerFor(behaviour, request.reference);
  }

  async health(): Promise<BankHealth> {
    return { ok: true, latencyMs: this.options.latencyMs ?? 0, detail: 'sandbox bank: always available' };
  }

  contractRequirements(): readonly ContractRequirement[] {
    return [{ code: 'none', title: 'No contract', description: 'The sandbox bank serves test mode only and needs no documents.' }];
  }

  private async latency(): Promise<void> {
    const ms = this.options.latencyMs ?? 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }
}

function answerFor(behaviour: Exclude<TestCardBehaviour, { result: 'timeout' }>, reference: string): BankResult {
  switch (behaviour.result) {
    case 'approve':
      return authorizationApproval(reference);
    case 'decline':
      return { kind: 'declined', reason: behaviour.reason, rawCode: behaviour.rawCode, message: `Declined: ${behaviour.reason}` };
    case 'technical_failure':
      return { kind: 'technical_failure', reason: 'processing_error', rawCode: behaviour.rawCode, message: 'System malfunction at the sandbox bank.' };
    case 'three_d_secure':
    case 'authenticate_always':
      // The bank holds the authorization until the buyer passes the simulated ACS challenge.
      return { kind: 'action_required', challenge: sandboxChallenge(reference) };
  }
}

/** An approved authorization: approval codes and the network's reference, all derived from the reference. */
function authorizationApproval(reference: string): BankResult {
  const networkReference = `sbxnt_${createHash('sha256').update(`network:${reference}`).digest('hex').slice(0, 16)}`;
  return { ...approval(reference), networkReference };
}

/** Approval codes derived from the reference: the same request always gets the same codes. */
function approval(reference: string): ApprovedResult {
  const digest = createHash('sha256').update(reference).digest();
  const authorizationCode = (digest.readUInt32BE(0) % 1_000_000).toString().padStart(6, '0');
  const rrn = (digest.readBigUInt64BE(4) % 1_000_000_000_000n).toString().padStart(12, '0');
  return { kind: 'approved', authorizationCode, rrn, bankReference: `sbx_${rrn}` };
}
