import { randomBytes } from 'node:crypto';
import type { BankAdapter, BankResult, InquiryResult, InstrumentPaymentRequest, NextAction, RefundRequest } from '../banks/bank-adapter';
import { ConformanceReport, ReportBuilder } from './conformance-report';

/**
 * An adapter whose `pay` leaves the buyer to finish elsewhere (a QR code, a
 * wallet's page), with its test counterparty: `complete` plays the buyer (and their
 * bank or wallet) paying or refusing the payment `reference`.
 */
export interface AwaitedPaymentAdapterSubject {
  readonly adapter: BankAdapter;
  /** The capability its method asks (`sbp_qr`, `wallet_redirect`). */
  readonly capability: string;
  /** The method's instrument fields, as its `instrument()` makes them. */
  readonly instrument: Readonly<Record<string, string>>;
  /** A currency the counterparty accepts, and whether the payments are test mode. */
  readonly currency: string;
  readonly livemode: boolean;
  /** The next action `pay` must answer with. */
  readonly nextActionType: NextAction['type'];
  complete(reference: string, outcome: 'paid' | 'rejected'): Promise<void>;
}

const NO_TERMS = { bankMerchantId: undefined, terminalId: undefined } as const;

function reference(): string {
  return `conf_${randomBytes(8).toString('hex')}`;
}

/**
 * Checks an adapter for payments the buyer completes elsewhere against what
 * AwaitedPaymentSettler relies on: `pay` answers `action_required` with a well-formed
 * next action (a PNG or SVG data URL for a QR code, an http(s) link) and a future
 * expiry, and the same reference again is the same offer; `inquire` never says paid
 * before the buyer paid, then says `approved` (or `declined` after a refusal);
 * `refund` returns at most what was paid, and a repeated refund reference never
 * returns money twice.
 *
 * @example
 * ```ts
 * assertConforms(await checkAwaitedPaymentAdapter({ adapter, capability: 'sbp_qr', instrument: { purpose: 'Order 1' }, currency: 'RUB', livemode: false, nextActionType: 'display_qr', complete: (ref, o) => bank.decide(ref, o) }));
 * ```
 */
export async function checkAwaitedPaymentAdapter(subject: AwaitedPaymentAdapterSubject): Promise<ConformanceReport> {
  const { adapter } = subject;
  const report = new ReportBuilder('awaited payment adapter', adapter.code);
  const payRequest = (ref: string, amount = 10_000): InstrumentPaymentRequest => ({
    reference: ref,
    paymentId: `pay_${ref}`,
    amount,
    currency: subject.currency,
    capture: true,
    livemode: subject.livemode,
    capability: subject.capability,
    instrument: subject.instrument,
    connection: NO_TERMS,
  });
  const pay = async (ref: string, amount?: number): Promise<BankResult> => {
    if (adapter.pay === undefined) throw new Error('the adapter has no pay operation');
    return adapter.pay(payRequest(ref, amount));
  };
  const inquire = (ref: string, amount = 10_000): Promise<InquiryResult> =>
    adapter.inquire({
      kind: 'sale',
      reference: ref,
      paymentId: `pay_${ref}`,
      amount,
      currency: subject.currency,
      livemode: subject.livemode,
      cardBin: undefined,
      cardLast4: undefined,
      connection: NO_TERMS,
    });
  const refund = (ref: string, original: string, amount: number): Promise<BankResult> => {
    const request: RefundRequest = {
      reference: ref,
      paymentId: `pay_${original}`,
      amount,
      currency: subject.currency,
      livemode: subject.livemode,
      connection: NO_TERMS,
      card: undefined,
      original: {
        reference: original,
        authorizationCode: undefined,
        rrn: undefined,
        bankReference: undefined,
        amount: 10_000,
        cardBin: undefined,
        cardLast4: undefined,
      },
    };
    return adapter.refund(request);
  };

  await report.check('declares the capability and pay', (problem) => {
    if (!(adapter.capabilities ?? []).includes(subject.capability)) problem(`capabilities do not list ${subject.capability}`);
    if (adapter.pay === undefined) problem('no pay operation');
  });
  await report.check('pay answers action_required with a well-formed next action and a future expiry, the same for the same reference', async (problem) => {
    const ref = reference();
    const first = await pay(ref);
    if (first.kind !== 'action_required' || first.nextAction === undefined) {
      problem(`answered ${first.kind}${first.kind === 'action_required' ? ' with a 3-D Secure challenge' : ''}`);
      return;
    }
    if (first.nextAction.type !== subject.nextActionType) problem(`next action ${first.nextAction.type}, expected ${subject.nextActionType}`);
    if (!(first.expiresAt > Date.now())) problem('expiresAt is not in the future');
    const action = first.nextAction;
    if (action.type === 'display_qr') {
      if (action.qr.payload.length === 0) problem('empty QR payload');
      if (!/^data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/]+=*$/.test(action.qr.image_data_url)) problem('image_data_url is not a base64 PNG or SVG data URL');
    } else if (!/^https?:\/\//.test(action.url)) problem(`redirect url ${action.url} is not http(s)`);
    const again = await pay(ref);
    if (again.kind !== 'action_required' || JSON.stringify(again.nextAction) !== JSON.stringify(action)) problem('the same reference again gave another offer');
  });
  await report.check('inquire: not paid before the buyer pays, approved after', async (problem) => {
    const ref = reference();
    await pay(ref);
    const before = await inquire(ref);
    if (before.kind === 'approved' || before.kind === 'declined') problem(`before the buyer acted: ${before.kind}`);
    await subject.complete(ref, 'paid');
    const after = await inquire(ref);
    if (after.kind !== 'approved') problem(`after paying: ${after.kind}`);
  });
  await report.check('inquire: declined after the buyer refuses; a refund of it returns nothing', async (problem) => {
    const ref = reference();
    await pay(ref);
    await subject.complete(ref, 'rejected');
    const after = await inquire(ref);
    if (after.kind !== 'declined') problem(`after refusing: ${after.kind}`);
    const back = await refund(reference(), ref, 1_000);
    if (back.kind === 'approved') problem('refunded a payment that was never paid');
  });
  await report.check('inquire about an unknown reference is never paid', async (problem) => {
    const answer = await inquire(reference());
    if (answer.kind === 'approved' || answer.kind === 'declined') problem(`answered ${answer.kind}`);
  });
  await report.check('refunds: partial, repeated reference counted once, never more than paid', async (problem) => {
    const ref = reference();
    await pay(ref);
    await subject.complete(ref, 'paid');
    const first = reference();
    const partial = await refund(first, ref, 4_000);
    if (partial.kind !== 'approved') {
      problem(`partial refund: ${partial.kind}`);
      return;
    }
    const repeated = await refund(first, ref, 4_000);
    if (repeated.kind !== 'approved') problem(`the same refund reference again: ${repeated.kind}`);
    const tooMuch = await refund(reference(), ref, 6_001);
    if (tooMuch.kind === 'approved') problem('returned more than was paid (a repeated reference counted twice?)');
    const rest = await refund(reference(), ref, 6_000);
    if (rest.kind !== 'approved') problem(`refund of the rest: ${rest.kind}`);
  });
  return report.report();
}
