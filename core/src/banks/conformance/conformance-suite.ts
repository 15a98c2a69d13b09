import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AuthorizationRequest, BankAdapter, BankConnectionTerms, BankResult, FollowUpRequest, InquiryResult } from '../bank-adapter';
import { CONFORMANCE_CARDS, CONFORMANCE_DECLINES } from './conformance-cards';

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
  /** Optional: what the test bank has charged to a card in total, to prove retries never charge twice. */
  chargedTo?(cardNumber: string): Promise<number>;
  close?(): Promise<void>;
}

export interface BankAdapterConformanceOptions {
  /** Shown in the suite's title. */
  readonly name: string;
  /** Builds the adapter (and starts its test bank) once for the whole suite. */
  create(): Promise<ConformanceSubject>;
}

/**
 * Runs the BankAdapter conformance suite: approvals, each decline kind, technical
 * failure, partial capture, void, refunds, idempotent retries of one reference,
 * timeouts (an unknown outcome settled by inquiry, never an approval reported as
 * a failure), health and contract requirements.
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
    t.before(async () => {
      subject = await options.create();
    });
    t.after(async () => {
      await subject.close?.();
    });

    const authorize = (number: string, extra: Partial<AuthorizationRequest> = {}): Promise<BankResult> => subject.adapter.authorize(authorization(subject, number, extra));
    const approved = async (number: string, extra: Partial<AuthorizationRequest> = {}): Promise<{ request: AuthorizationRequest; result: Extract<BankResult, { kind: 'approved' }> }> => {
      const request = authorization(subject, number, extra);
      const result = await subject.adapter.authorize(request);
      assert.equal(result.kind, 'approved', `expected an approval, got ${JSON.stringify(result)}`);
      return { request, result: result as Extract<BankResult, { kind: 'approved' }> };
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

    t.it('declines each decline card with the normalized reason and the raw code', async () => {
      for (const { number, reason } of CONFORMANCE_DECLINES) {
        const result = await authorize(number);
        assert.equal(result.kind, 'declined', `${reason}: ${JSON.stringify(result)}`);
        if (result.kind !== 'declined') return;
        assert.equal(result.reason, reason);
        assert.ok(result.rawCode.length > 0);
      }
    });

    t.it('reports a bank-side malfunction as a technical failure (retriable elsewhere)', async () => {
      const result = await authorize(CONFORMANCE_CARDS.technicalFailure);
      assert.equal(result.kind, 'technical_failure', JSON.stringify(result));
    });

    t.it('captures part of an authorization, and refuses to capture more than was authorized', async () => {
      const { request, result } = await approved(CONFORMANCE_CARDS.approvedVisa, { amount: 10_000 });
      const over = await subject.adapter.capture(followUp(subject, request, result, 10_001));
      assert.notEqual(over.kind, 'approved', 'a capture above the authorized amount must not be approved');
      assert.equal((await subject.adapter.capture(followUp(subject, request, result, 6_000))).kind, 'approved');
    });

    t.it('voids an uncaptured authorization', async () => {
      const { request, result } = await approved(CONFORMANCE_CARDS.approvedMastercard, { amount: 5_000 });
      assert.equal((await subject.adapter.void(followUp(subject, request, result, 5_000))).kind, 'approved');
    });

    t.it('refunds a purchase in parts, and refuses to refund more than was paid', async () => {
      const { request, result } = await approved(CONFORMANCE_CARDS.approvedMir, { amount: 10_000, capture: true });
      const refund = (amount: number) => subject.adapter.refund({ ...followUp(subject, request, result, amount), card: request.card });
      assert.notEqual((await refund(10_001)).kind, 'approved', 'a refund above the paid amount must not be approved');
      assert.equal((await refund(3_000)).kind, 'approved');
      assert.equal((await refund(7_000)).kind, 'approved');
    });

    t.it('answers a retry of the same reference as the same request, never charging twice', async () => {
      const card = CONFORMANCE_CARDS.approvedVisa;
      const before = await subject.chargedTo?.(card);
      const request = authorization(subject, card, { amount: 1_234, capture: true });
      const first = await subject.adapter.authorize(request);
      const second = await subject.adapter.authorize(request);
      assert.equal(first.kind, 'approved');
      assert.deepEqual(second, first);
      if (before !== undefined) assert.equal(await subject.chargedTo?.(card), before + 1_234);
      const decline = authorization(subject, CONFORMANCE_DECLINES[0]!.number, {});
      assert.deepEqual(await subject.adapter.authorize(decline), await subject.adapter.authorize(decline));
    });

    t.it('reports an unanswered request as unknown (or as failed once reversed) and settles it by inquiry', async () => {
      const request = authorization(subject, CONFORMANCE_CARDS.timeout, { capture: true });
      const result = await subject.adapter.authorize(request);
      assert.ok(result.kind === 'unknown' || result.kind === 'technical_failure', `a lost answer is unknown, or a failure after a reversal: ${JSON.stringify(result)}`);
      const inquiry: InquiryResult = await subject.adapter.inquire({
        kind: 'sale', reference: request.reference, paymentId: request.paymentId, amount: request.amount, currency: request.currency,
        livemode: request.livemode, cardBin: request.card.number.slice(0, 6), cardLast4: request.card.number.slice(-4), connection: subject.connection,
      });
      assert.notEqual(inquiry.kind, 'unknown', 'an inquiry settles the outcome');
      // Reported failed means never charged: the inquiry must not turn it into an approval.
      if (result.kind === 'technical_failure') assert.notEqual(inquiry.kind, 'approved');
    });

    t.it('knows nothing of a reference it never saw', async () => {
      const inquiry = await subject.adapter.inquire({
        kind: 'authorize', reference: newReference(), paymentId: 'pay_conformance', amount: 100, currency: subject.currency,
        livemode: false, cardBin: undefined, cardLast4: undefined, connection: subject.connection,
      });
      assert.ok(inquiry.kind === 'not_found' || inquiry.kind === 'technical_failure', JSON.stringify(inquiry));
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

function newReference(): string {
  return `op_conf_${randomBytes(8).toString('hex')}`;
}

function authorization(subject: ConformanceSubject, number: string, extra: Partial<AuthorizationRequest>): AuthorizationRequest {
  return {
    reference: newReference(),
    paymentId: 'pay_conformance',
    amount: 1_000,
    currency: subject.currency,
    capture: false,
    livemode: false,
    card: { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123', holderName: undefined },
    connection: subject.connection,
    ...extra,
  };
}

function followUp(subject: ConformanceSubject, request: AuthorizationRequest, result: Extract<BankResult, { kind: 'approved' }>, amount: number): FollowUpRequest {
  return {
    reference: newReference(),
    paymentId: request.paymentId,
    original: {
      reference: request.reference,
      authorizationCode: result.authorizationCode,
      rrn: result.rrn,
      bankReference: result.bankReference,
      amount: request.amount,
      cardBin: request.card.number.slice(0, 6),
      cardLast4: request.card.number.slice(-4),
    },
    amount,
    currency: request.currency,
    livemode: request.livemode,
    connection: subject.connection,
  };
}
