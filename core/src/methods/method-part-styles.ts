/** The longest style sheet a payment method's page part may bring. */
export const METHOD_PART_STYLES_MAX = 20_000;

/**
 * Why a payment method's page-part style sheet (PaymentMethodPage.styles) cannot be
 * used, or undefined. The sheet is printed as it is inside a `<style>` element of the
 * island document (under its CSP nonce), so it may contain no `<` (nothing can close
 * the element), and nothing that loads from elsewhere (`@import`, `url(`): the
 * island's CSP would block it anyway, and a part stays self-contained.
 *
 * @example
 * ```ts
 * methodStylesProblem('.voucher-option { margin-top: 16px; }'); // undefined
 * methodStylesProblem('</style><script>alert(1)</script>'); // 'contains <, which could close the style element'
 * ```
 */
export function methodStylesProblem(css: string): string | undefined {
  if (css.length > METHOD_PART_STYLES_MAX) return `is longer than ${METHOD_PART_STYLES_MAX} characters`;
  if (css.includes('<')) return 'contains <, which could close the style element';
  if (/@import/i.test(css)) return 'uses @import (a part loads nothing from elsewhere)';
  if (/url\s*\(/i.test(css)) return 'uses url() (a part loads nothing from elsewhere)';
  return undefined;
}
