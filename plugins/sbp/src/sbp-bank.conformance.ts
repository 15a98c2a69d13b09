import { Clock } from '@tender/core';
import { ConformanceReport, checkAwaitedPaymentAdapter } from '@tender/core/testing';
import { SbpBank } from './sbp-bank';
import { SBP_CAPABILITY, SbpBankAdapter } from './sbp-bank.adapter';

/**
 * Checks an SbpBank implementation as Tender uses it, through SbpBankAdapter and
 * core's `checkAwaitedPaymentAdapter`: a QR per reference (the same one again for a
 * retry), status pending until the buyer acts, then paid or rejected, return
 * transfers never more than paid nor twice for one reference. `complete` makes the
 * test bank see the QR paid or rejected (a test account paying it).
 *
 * @example
 * ```ts
 * assertConforms(await runSbpBankConformance({ bank: new AcmeSbpBank(testOptions), clock: new SystemClock(), complete: (ref, o) => acmeTestApi.settle(ref, o), livemode: false }));
 * ```
 */
export function runSbpBankConformance(subject: {
  readonly bank: SbpBank;
  readonly clock: Clock;
  readonly livemode: boolean;
  complete(reference: string, outcome: 'paid' | 'rejected'): Promise<void>;
}): Promise<ConformanceReport> {
  return checkAwaitedPaymentAdapter({
    adapter: new SbpBankAdapter(subject.bank, subject.clock, 15 * 60_000),
    capability: SBP_CAPABILITY,
    instrument: { purpose: 'Conformance order' },
    currency: 'RUB',
    livemode: subject.livemode,
    nextActionType: 'display_qr',
    complete: subject.complete,
  });
}
