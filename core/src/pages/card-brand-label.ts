/** How each card scheme writes its own name (the stored code is lower case: `visa`). */
const LABELS: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  maestro: 'Maestro',
  mir: 'Mir',
  unionpay: 'UnionPay',
  amex: 'American Express',
  jcb: 'JCB',
  unknown: 'Card',
};

/**
 * A card brand code as people read it, for pages and e-mails; a code this list does not
 * know (a plugin's scheme) is shown with its first letter capitalised.
 *
 * @example
 * ```ts
 * cardBrandLabel('mastercard'); // 'Mastercard'
 * cardBrandLabel('unionpay');   // 'UnionPay'
 * ```
 */
export function cardBrandLabel(code: string): string {
  const known = Object.prototype.hasOwnProperty.call(LABELS, code) ? LABELS[code] : undefined;
  return known ?? (code === '' ? 'Card' : `${code.charAt(0).toUpperCase()}${code.slice(1)}`);
}
