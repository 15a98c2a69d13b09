import { DeclineReason } from '../bank-adapter';

/**
 * The test cards every conforming adapter's test bank answers as documented
 * (../shared/DOMAIN.md): the sandbox answers them itself, a protocol adapter's
 * test bank (for ISO 8583, `tender-bank-sim`) answers them at the far end.
 */
export const CONFORMANCE_CARDS = {
  approvedVisa: '4242424242424242',
  approvedMastercard: '5555555555554444',
  approvedMir: '2200000000000004',
  technicalFailure: '4000000000000119',
  timeout: '4000000000000259',
} as const;

/** What ConformanceSubject.account must hold when the suite starts, in minor units of the subject's currency. */
export const CONFORMANCE_ACCOUNT_BALANCE = 10_000;

/** One card per decline kind the suite checks, with the reason it must come back as. */
export const CONFORMANCE_DECLINES: ReadonlyArray<{ readonly number: string; readonly reason: DeclineReason }> = [
  { number: '4000000000000002', reason: 'do_not_honor' },
  { number: '4000000000009995', reason: 'insufficient_funds' },
  { number: '4000000000000069', reason: 'expired_card' },
  { number: '4000000000000127', reason: 'incorrect_cvc' },
];
