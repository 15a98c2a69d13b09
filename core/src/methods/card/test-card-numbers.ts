/**
 * The card numbers the sandbox bank answers with set behaviours (docs/testing.md,
 * "Test cards"), which are also what tender-bank-sim knows. They are public, so a
 * live payment with one is refused where the operator says so
 * (`card_test_number_live`, TENDER_LIVE_TEST_CARDS). The sandbox adapter's own
 * table must stay within this list (a unit test checks it).
 *
 * @example
 * ```ts
 * isTestCardNumber('4242424242424242'); // true
 * ```
 */
export const TEST_CARD_NUMBERS: ReadonlySet<string> = new Set([
  '4242424242424242',
  '5555555555554444',
  '2200000000000004',
  '4000000000000002',
  '4000000000009995',
  '4000000000000069',
  '4000000000000127',
  '4000000000000119',
  '4000000000003220',
  '4000002760003184',
  '4000000000000259',
]);

export function isTestCardNumber(number: string): boolean {
  return TEST_CARD_NUMBERS.has(number);
}
