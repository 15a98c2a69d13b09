/**
 * What text a field takes, from the loosest to the strictest. Everything a merchant or
 * a buyer types is checked against one of these (validation.ts `text`):
 *
 * - `any`: no NUL and no lone UTF-16 surrogate (every parsed body, every key);
 * - `multiline`: also no control characters except tab, line feed and carriage return
 *   (C0, DEL, C1), no bidi overrides (U+202D, U+202E);
 * - `line`: also no tab, line feed, carriage return, U+2028 or U+2029;
 * - `identifier` (order ids, metadata keys, codes): also no bidi marks, embeddings or
 *   isolates and no invisible characters (zero-width spaces and joiners, BOM, word joiner),
 *   so that two ids that look the same are the same.
 */
export type TextKind = 'any' | 'multiline' | 'line' | 'identifier';

// Each pattern finds the first offending character; `u` makes lone surrogates visible to \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CONTROL_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const BIDI_OVERRIDE = /[\u202D\u202E]/;
const BIDI_ANY = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const INVISIBLE = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/;

function codePoint(text: string, pattern: RegExp): string {
  const found = pattern.exec(text)?.[0] ?? '';
  return `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The reason `text` is refused as `kind`, or undefined when it is acceptable.
 *
 * @example
 * ```ts
 * hostileTextProblem('A-1\u202Egpj', 'identifier'); // 'must not contain bidirectional control characters (U+202E)'
 * hostileTextProblem('Order 1', 'identifier');      // undefined
 * ```
 */
export function hostileTextProblem(text: string, kind: TextKind): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (it contains a lone UTF-16 surrogate)';
  if (kind === 'any') return undefined;
  const controls = kind === 'multiline' ? CONTROL_MULTILINE : CONTROL_LINE;
  if (controls.test(text)) return `must not contain control characters (${codePoint(text, controls)})`;
  const bidi = kind === 'identifier' ? BIDI_ANY : BIDI_OVERRIDE;
  if (bidi.test(text)) return `must not contain bidirectional control characters (${codePoint(text, bidi)})`;
  if (kind === 'identifier' && INVISIBLE.test(text)) return `must not contain invisible characters (${codePoint(text, INVISIBLE)})`;
  return undefined;
}

/** Length in Unicode code points, what MariaDB's utf8mb4 VARCHAR(n) counts (a UTF-16 `length` counts an emoji twice). */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
