import { DeclineReason } from '@tender/core';

/**
 * The sandbox bank's test cards (docs/testing.md and ../shared/DOMAIN.md). Any
 * future expiry and any CVC unless a row says otherwise. `rawCode` is the ISO 8583
 * response code a real processing centre would send for the same result.
 */
export type TestCardBehaviour =
  | { readonly result: 'approve' }
  | { readonly result: 'decline'; readonly reason: DeclineReason; readonly rawCode: string }
  | { readonly result: 'technical_failure'; readonly rawCode: string }
  /** Challenged when the cardholder is present (3-D Secure); approved without a challenge for merchant-initiated payments. */
  | { readonly result: 'three_d_secure' }
  /** The issuer asks for authentication on every payment, merchant-initiated ones included. */
  | { readonly result: 'authenticate_always' }
  | { readonly result: 'timeout' };

export const TEST_CARDS: Readonly<Record<string, TestCardBehaviour>> = {
  '4242424242424242': { result: 'approve' },
  '5555555555554444': { result: 'approve' },
  '2200000000000004': { result: 'approve' },
  '4000000000000002': { result: 'decline', reason: 'do_not_honor', rawCode: '05' },
  '4000000000009995': { result: 'decline', reason: 'insufficient_funds', rawCode: '51' },
  '4000000000000069': { result: 'decline', reason: 'expired_card', rawCode: '54' },
  '4000000000000127': { result: 'decline', reason: 'incorrect_cvc', rawCode: 'N7' },
  '4000000000000119': { result: 'technical_failure', rawCode: '96' },
  '4000000000003220': { result: 'three_d_secure' },
  '4000002760003184': { result: 'authenticate_always' },
  '4000000000000259': { result: 'timeout' },
};

/** A test card found by BIN and last 4, which is all an inquiry knows. */
export function findByMaskedParts(bin: string | undefined, last4: string | undefined): TestCardBehaviour | undefined {
  if (bin === undefined || last4 === undefined) return undefined;
  const number = Object.keys(TEST_CARDS).find((n) => n.startsWith(bin) && n.endsWith(last4));
  return number === undefined ? undefined : TEST_CARDS[number];
}
