/** The brands the default theme draws a mark for (templates/default/assets/brand-<code>.svg). */
const MARKED: ReadonlySet<string> = new Set(['visa', 'mastercard', 'mir', 'unionpay', 'sbp']);

/**
 * Where a page finds the mark of a card brand or payment scheme: a theme asset under
 * `/pay/assets/` (the island's CSP allows images from the gateway only), the plain
 * card mark for a code without its own. A theme may replace any of the files.
 *
 * @example
 * ```ts
 * brandMarkUrl('mir');  // '/pay/assets/brand-mir.svg'
 * brandMarkUrl('amex'); // '/pay/assets/brand-card.svg'
 * ```
 */
export function brandMarkUrl(code: string): string {
  return `/pay/assets/brand-${MARKED.has(code) ? code : 'card'}.svg`;
}
