import assert from 'node:assert/strict';
import { AuthorizationRequest, BankAdapter, BankConnectionTerms, BankOperationKind, BankResult, DeclineReason, InquiryResult } from '../bank-adapter';
import { CONFORMANCE_ACCOUNT_BALANCE, CONFORMANCE_CARDS, CONFORMANCE_DECLINES } from './conformance-cards';
import { Approved, accountDebit, authorization, followUp, inquiry, newReference } from './conformance-requests';

/**
 * The part of a test framework the suite needs. Pass mocha's globals
 * (`{ describe, it, before, after }`); core does not depend on mocha, so any
 * framework with the same shape (node:test, jest, vitest) works as well.
 */
export interface ConformanceTestApi {
  describe(title: string, fn: () => void): unknown;
  it(title: string, fn: () => Promise<void>): unknown;
  before(fn: () => Promise<void>): unknown;
  after(fn: () => Promise<void>): unknown;
}

/** An adapter ready for the suite, talking to its test bank. */
export interface ConformanceSubject {
  readonly adapter: BankAdapter;
  /** The terms (merchant id, terminal id) the test bank knows. */
  readonly connection: BankConnectionTerms;
  /** A currency the test bank accepts (ISO 4217 alphabetic). */
  readonly currency: string;
  /** Optional: what the test bank has charged to a card in total, to prove retries never move money twice. */
  chargedTo?(cardNumber: string): Promise<number>;
  /**
   * Required when the adapter can debit accounts (`debitAccount`): an account at the
   * test bank in `currency` holding CONFORMANCE_ACCOUNT_BALANCE, used by this suite only.
   */
  readonly account?: string;
  /** Optional: the raw code the adapter's documentation gives for each decline reason (e.g. ISO 8583 `51` for insufficient_funds). */
  readonly declineCodes?: Partial<Record<DeclineReason, string>>;
  close?(): Promise<void>;
}

export interface BankAdapterConformanceOptions {
  /** Shown in the suite's title. */
  readonly name: string;
  /** Builds the adapter (and starts its test bank) once for the whole suite. */
  create(): Promise<ConformanceSubject>;
}

/** An operation the adapter answered, kept so the inquiry check can ask about it. */
interface Accepted {
  readonly kind: BankOperationKind;
  readonly op: { reference: string; paymentId: string; amount: number };
  readonly card: string | undefined;
  readonly result: BankResult;
}

/**
 * Runs the BankAdapter conformance suite: approvals, each decline kind (with the
 * documented raw codes), technical failure, partial capture, void, cumulative
 * partial refunds, idempotent retries of every operation (same answer, money moved
 * once), inquiries that find everything the adapter answered (timeouts included),
 * 3-D Secure, stored credentials (a merchant-initiated payment without CVC, a card
 * verification), account debits against a balance, health and contract requirements.
 *
 * @example
 * ```ts
 * import { runBankAdapterConformance } from '@tender/core';
 * runBankAdapterConformance({ describe, it, before, after }, {
 *   name: 'acmebank',
 *   async create() { return { adapter: new AcmeBankAdapter(testOptions), connection: { bankMerchantId: 'M1', terminalId: 'T1' }, currency: 'RUB' }; },
 * });
 * ```
 */
export function runBankAdapterConformance(t: ConformanceTestApi, options: BankAdapterConformanceOptions): void {
  t.describe(`BankAdapter conformance: ${options.name}`, () => {
    let subject: ConformanceSubject;
    const accepted: Accepted[] = [];
    t.before(async () => {
      subject = await options.create();
    });
    t.after(async () => {
      await subject.close?.();
    });

    const charged = async (card: string): Promise<number | undefined> => subject.chargedTo?.(card);
    const authorize = async (number: string, extra: Partial<AuthorizationRequest> = {}): Promise<{ request: AuthorizationRequest; result: BankResult }> => {
      const request = authorization(subject, number, extra);
      const result = await subject.adapter.authorize(request);
      accepted.push({ kind: request.capture ? 'sale' : 'authorize', op: request, card: number, result });
      return { request, result };
    };
    const approved = async (number: string, extra: Partial<AuthorizationRequest> = {}): Promise<{ request: AuthorizationRequest; result: Approved }> => {
      const { request, result } = await authorize(number, extra);
      assert.equal(result.kind, 'approved', `expected an approval, got ${JSON.stringify(result)}`);
      return { request, result: result };
    };
    /** Sends an operation twice with the same reference: the same answer both times. */
    const twice = async (what: string, call: () => Promise<BankResult>): Promise<BankResult> => {
      const first = await call();
      assert.deepEqual(await call(), first, `a retry of the same ${what} reference must get the same answer`);
      return first;
    };

    t.it('approves the approved test cards with an authorization code and an RRN', async () => {
      for (const number of [CONFORMANCE_CARDS.approvedVisa, CONFORMANCE_CARDS.approvedMastercard, CONFORMANCE_CARDS.approvedMir]) {
        for (const capture of [false, true]) {
          const { result } = await approved(number, { capture });
          assert.match(result.authorizationCode ?? '', /^[0-9A-Za-z ]{1,6}$/);
          assert.ok((result.rrn ?? '').length > 0, 'an approval carries an RRN');
        }
      }
    });

    t.it('declines each decline card with the normalized reason and the documented raw code', async () => {
      for (const { number, reason } of CONFORMANCE_DECLINES) {
        const { result } = await authorize(number);
        assert.equal(result.kind, 'declined', `${reason}: ${JSON.stringify(result)}`);
        if (result.kind !== 'declined') return;
        assert.equal(result.reason, reason);
        assert.ok(result.rawCode.length > 0);
        const documented = subject.declineCodes?.[reason];
        if (documented !== undefined) assert.equal(result.rawCode, documented, `${reason} is documented as raw code ${documented}`);
        assert.ok(!result.message.includes(number), 'a decline message never quotes the card number');
      }
    });

    t.it('reports a bank-side malfunction as a technical failure (retriable elsewhere)', async () => {
      const { result } = await authorize(CONFORMANCE_CARDS.technicalFailure);
      assert.equal(result.kind, 'technical_failure', JSON.stringify(result));
    });

    t.it('captures part of an authorization once, however often the capture is retried, and refuses to capture more than was authorized', async () => {
      const card = CONFORMANCE_CARDS.approvedVisa;
      const { request, result } = await approved(card, { amount: 10_000 });
      const over = await subject.adapter.capture(followUp(subject, request, result, 10_001));
      assert.notEqual(over.kind, 'approved', 'a capture above the authorized amount must not be approved');
      const before = await charged(card);
      const capture = followUp(subject, request, result, 6_000);
      const answer = await twice('capture', () => subject.adapter.capture(capture));
      assert.equal(answer.kind, 'approved', JSON.stringify(answer));
      accepted.push({ kind: 'capture', op: capture, card, result: answer });
      if (before !== undefined) assert.equal(await charged(card), before + 6_000, 'a retried capture moves the money once');
    });

    t.it('voids an uncaptured authorization, the same way when retried', async () => {
      const { request, result } = await approved(CONFORMANCE_CARDS.approvedMastercard, { amount: 5_000 });
      const void_ = followUp(subject, request, result, 5_000);
      const answer = await twice('void', () => subject.adapter.void(void_));
      assert.equal(answer.kind, 'approved', JSON.stringify(answer));
      accepted.push({ kind: 'void', op: void_, card: CONFORMANCE_CARDS.approvedMastercard, result: answer });
    });

    t.it('refunds a purchase in cumulative parts, each once however often retried, and never more than was paid', async () => {
      const card = CONFORMANCE_CARDS.approvedMir;
      const { request, result } = await approved(card, { amount: 10_000, capture: true });
      const refund = (amount: number) => ({ ...followUp(subject, request, result, amount), card: request.card });
      assert.notEqual((await subject.adapter.refund(refund(10_001))).kind, 'approved', 'a refund above the paid amount must not be approved');
      const before = await charged(card);
      const first = refund(3_000);
      const answer = await twice('refund', () => subject.adapter.refund(first));
      assert.equal(answer.kind, 'approved', JSON.stringify(answer));
      accepted.push({ kind: 'refund', op: first, card, result: answer });
      if (before !== undefined) assert.equal(await charged(card), before - 3_000, 'a retried refund moves the money once');
      assert.notEqual((await subject.adapter.refund(refund(7_001))).kind, 'approved', 'refunds add up: 3 000 + 7 001 is more than the 10 000 paid');
      assert.equal((await subject.adapter.refund(refund(7_000))).kind, 'approved', 'the rest of the payment can be refunded');
      assert.notEqual((await subject.adapter.refund(refund(1))).kind, 'approved', 'nothing is left to refund');
    });

    t.it('answers a retry of the same authorization reference as the same request, never charging twice', async () => {
      const card = CONFORMANCE_CARDS.approvedVisa;
      const before = await charged(card);
      const request = authorization(subject, card, { amount: 1_234, capture: true });
      const first = await twice('authorization', () => subject.adapter.authorize(request));
      assert.equal(first.kind, 'approved');
      if (before !== undefined) assert.equal(await charged(card), before + 1_234);
      const decline = authorization(subject, CONFORMANCE_DECLINES[0].number, {});
      await twice('declined authorization', () => subject.adapter.authorize(decline));
    });

    t.it('reports an unanswered request as unknown (or as failed once reversed) and settles it by inquiry', async () => {
      const { request, result } = await authorize(CONFORMANCE_CARDS.timeout, { capture: true });
      assert.ok(
        result.kind === 'unknown' || result.kind === 'technical_failure',
        `a lost answer is unknown, or a failure after a reversal: ${JSON.stringify(result)}`,
      );
      const answer: InquiryResult = await subject.adapter.inquire(inquiry(subject, 'sale', request, request.card.number));
      assert.notEqual(answer.kind, 'unknown', 'an inquiry settles the outcome');
      assert.notEqual(answer.kind, 'not_found', 'the adapter sent it, so an inquiry finds it');
      // Reported failed means never charged: the inquiry must not turn it into an approval.
      if (result.kind === 'technical_failure') assert.notEqual(answer.kind, 'approved');
    });

    t.it('finds by inquiry every operation it answered, with the answer it gave', async () => {
      assert.ok(accepted.length >= 10, 'the checks above left operations to ask about');
      for (const { kind, op, card, result } of accepted) {
        if (result.kind !== 'approved' && result.kind !== 'declined') continue;
        const answer = await subject.adapter.inquire(inquiry(subject, kind, op, card));
        assert.equal(answer.kind, result.kind, `inquiry of a ${kind} answered ${result.kind}: ${JSON.stringify(answer)}`);
        if (answer.kind === 'approved' && result.kind === 'approved' && result.rrn !== undefined) assert.equal(answer.rrn, result.rrn, `the ${kind}'s RRN`);
        if (answer.kind === 'declined' && result.kind === 'declined') assert.equal(answer.reason, result.reason);
      }
    });

    t.it('knows nothing of a reference it never saw', async () => {
      const answer = await subject.adapter.inquire(
        inquiry(subject, 'authorize', { reference: newReference(), paymentId: 'pay_conformance', amount: 100 }, undefined),
      );
      assert.ok(answer.kind === 'not_found' || answer.kind === 'technical_failure', JSON.stringify(answer));
    });

    t.it('holds an authorization for 3-D Secure when asked, and finishes it by the authentication result', async () => {
      const adapter = subject.adapter;
      const card = CONFORMANCE_CARDS.approvedVisa;
      if (adapter.threeDSecure === undefined || adapter.completeAuthorization === undefined) {
        // Without a 3-D Secure server the adapter cannot hold an authorization: it must still answer.
        const { result } = await authorize(card, { requireAuthentication: true });
        assert.ok(result.kind === 'approved' || result.kind === 'declined', `no 3-D Secure: a definite answer, got ${JSON.stringify(result)}`);
        return;
      }
      const complete = adapter.completeAuthorization.bind(adapter);
      for (const [status, expected] of [
        ['Y', 'approved'],
        ['N', 'declined'],
      ] as const) {
        const { request, result } = await authorize(card, { requireAuthentication: true });
        assert.equal(result.kind, 'action_required', JSON.stringify(result));
        if (result.kind !== 'action_required' || result.challenge === undefined) return assert.fail('a 3-D Secure card must answer a challenge');
        assert.ok(result.challenge.acsUrl.length > 0 && result.challenge.creq.length > 0 && result.challenge.transactionId.length > 0);
        const { card: _card, ...rest } = request;
        const finished = await twice('3-D Secure completion', () =>
          complete({ ...rest, authentication: { transStatus: status, eci: status === 'Y' ? '05' : '07' } }),
        );
        assert.equal(finished.kind, expected, JSON.stringify(finished));
        if (finished.kind === 'declined') assert.equal(finished.reason, 'authentication_failed');
      }
    });

    t.it(
      'takes stored credentials: the payment that stores a card, a merchant-initiated one without CVC referring to it, a verification voided at once',
      async () => {
        const card = CONFORMANCE_CARDS.approvedVisa;
        const first = await approved(card, {
          capture: true,
          card: { ...authorization(subject, card).card, storedCredential: { initiator: 'cardholder', sequence: 'first' } },
        });
        const reference = first.result.networkReference;
        if (reference !== undefined) assert.ok(reference.length > 0 && reference.length <= 64, `a network reference is 1 to 64 characters, got '${reference}'`);
        const stored = {
          initiator: 'merchant',
          sequence: 'subsequent',
          reason: 'recurring',
          ...(reference === undefined ? {} : { originalReference: reference }),
        } as const;
        const later = authorization(subject, card, { capture: true });
        const mit = await twice('merchant-initiated authorization', () =>
          subject.adapter.authorize({ ...later, card: { ...later.card, cvc: undefined, storedCredential: stored } }),
        );
        assert.equal(mit.kind, 'approved', `a merchant-initiated payment with a stored card needs no CVC and no buyer: ${JSON.stringify(mit)}`);
        accepted.push({ kind: 'sale', op: later, card, result: mit });
        const verification = await approved(card, { capture: false, verification: true });
        const voided = await subject.adapter.void(followUp(subject, verification.request, verification.result, verification.request.amount));
        assert.equal(voided.kind, 'approved', `a verification is voided at once: ${JSON.stringify(voided)}`);
      },
    );

    t.it('debits an account against its balance: holds and debits count, voids and refunds give back, retries move money once', async () => {
      const adapter = subject.adapter;
      if (adapter.debitAccount === undefined) return;
      const debitAccount = adapter.debitAccount.bind(adapter);
      const number = subject.account;
      assert.ok(number !== undefined, 'an adapter that debits accounts must name a conformance account (ConformanceSubject.account)');
      const part = Math.floor(CONFORMANCE_ACCOUNT_BALANCE * 0.6);
      const first = accountDebit(subject, number, part, true);
      const debited = await twice('account debit', () => debitAccount(first));
      assert.equal(debited.kind, 'approved', JSON.stringify(debited));
      const over = await debitAccount(accountDebit(subject, number, part, true));
      assert.equal(over.kind, 'declined', `60% and 60% of the balance: the second is refused, ${JSON.stringify(over)}`);
      if (over.kind === 'declined') assert.equal(over.reason, 'insufficient_funds');
      const refunded = await adapter.refund({ ...followUp(subject, first, debited, part), card: undefined });
      assert.equal(refunded.kind, 'approved', `refunding the first debit gives the money back: ${JSON.stringify(refunded)}`);
      const hold = accountDebit(subject, number, part, false);
      const held = await debitAccount(hold);
      assert.equal(held.kind, 'approved', JSON.stringify(held));
      assert.equal((await debitAccount(accountDebit(subject, number, part, true))).kind, 'declined', 'a hold counts against the balance');
      assert.equal((await adapter.void(followUp(subject, hold, held, part))).kind, 'approved');
      assert.equal((await debitAccount(accountDebit(subject, number, part, true))).kind, 'approved', 'the void released the hold');
    });

    t.it('reports its health and the contract documents it requires', async () => {
      const health = await subject.adapter.health();
      assert.equal(health.ok, true, health.detail);
      assert.equal(typeof health.detail, 'string');
      const requirements = subject.adapter.contractRequirements();
      assert.ok(requirements.length > 0);
      for (const r of requirements) assert.ok(r.code.length > 0 && r.title.length > 0 && r.description.length > 0);
    });
  });
}
