import { TenderError } from '../errors/tender-error';

export const CUSTOM_CSS_MAX_BYTES = 16_384;

/** What merchant CSS may not do: leave its <style>, load or send anything, run code, or hide behind escapes. */
const FORBIDDEN_CSS: ReadonlyArray<readonly [RegExp, string]> = [
  [/</, "'<' is not allowed in CSS"],
  [/@import/i, '@import is not allowed'],
  [/@charset|@namespace/i, '@charset and @namespace are not allowed'],
  [/url\s*\(/i, 'url() is not allowed (images and fonts from elsewhere could track the buyer or read the page)'],
  [/image-set\s*\(|image\s*\(/i, 'image functions are not allowed'],
  [/expression\s*\(/i, 'expression() is not allowed'],
  [/javascript\s*:/i, 'javascript: is not allowed'],
  [/behavior\s*:|-moz-binding/i, 'behaviors and bindings are not allowed'],
  [/\\/, 'CSS escapes (backslashes) are not allowed'],
];

/**
 * Checks merchant CSS for the payment page and returns it trimmed. Refused (never
 * silently rewritten) with `custom_css_invalid` naming the line, so the merchant
 * sees what to change. The page's CSP is the second line of defence.
 *
 * @example
 * ```ts
 * sanitizeCustomCss('.pay-button { letter-spacing: 0.05em; }'); // accepted
 * sanitizeCustomCss('body { background: url(https://x.example/t.gif) }'); // throws custom_css_invalid
 * ```
 */
export function sanitizeCustomCss(css: string): string {
  if (Buffer.byteLength(css, 'utf8') > CUSTOM_CSS_MAX_BYTES) {
    throw new TenderError('custom_css_invalid', { param: 'custom_css', message: `Custom CSS is limited to ${CUSTOM_CSS_MAX_BYTES} bytes.` });
  }
  for (const [pattern, reason] of FORBIDDEN_CSS) {
    const match = pattern.exec(css);
    if (match !== null) {
      const line = css.slice(0, match.index).split('\n').length;
      throw new TenderError('custom_css_invalid', { param: 'custom_css', message: `Line ${line}: ${reason}.` });
    }
  }
  let depth = 0;
  for (const c of css) {
    if (c === '{') depth++;
    if (c === '}' && --depth < 0) break;
  }
  if (depth !== 0) throw new TenderError('custom_css_invalid', { param: 'custom_css', message: 'Unbalanced braces.' });
  return css.trim();
}
