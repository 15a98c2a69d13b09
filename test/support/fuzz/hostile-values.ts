import fc from 'fast-check';

/**
 * Text an attacker sends: control characters, lone surrogates, bidi overrides,
 * markup and template injection, path traversal, SQL, oversized and look-alike
 * numbers. Written for Tender's suite (the usual families of filter-evasion inputs).
 */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\ud83d',
  'A-1\u202egpj',
  '\u202dLTR',
  '\u2066iso\u2069',
  'zero\u200bwidth',
  '\ufeffbom',
  'bell\u0007',
  'esc\u001b[31m',
  'line\nbreak',
  '\r\n',
  'tab\there',
  'nel\u0085',
  'ls\u2028ps\u2029',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1",
  '"; DROP TABLE payments; --',
  '{{constructor.constructor("return process")()}}',
  '{{#each this}}{{/each}}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '%E0%A4%A',
  '%ED%A0%80',
  '\\',
  '${7*7}',
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  'http://127.0.0.1:1/',
  'http://[::1]:1/x',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd',
  'https://shop.test/return?x=1#frag',
  'A'.repeat(5000),
  'é'.repeat(2000),
  '🍵'.repeat(700),
  '',
  ' ',
  '   padded   ',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '00',
  '1e309',
  '9007199254740993',
  '18446744073709551616',
  '0x10',
  '1.005',
  '4242424242424242',
  'pay_',
  'pay_AAAAAAAAAAAAAAAAAAAAAAAA',
  'mer_0',
  'RUB',
  'rub',
  'XXX',
  'owner',
  'operator',
  'sandbox',
  'approve',
  'admin@tender.test',
  'a@b',
  '#zzzzzz',
  '*',
  'payment.*',
  'true',
  '[]',
  '{}',
];

export const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -1,
  -0,
  0.5,
  1.5,
  1e21,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 64,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  99_999_999_999,
  100_000_000_000,
  168,
  169,
  8761,
];

/** Hostile text: the list above, or generated code units (lone surrogates included) and code points. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string16bits({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 24 }) },
);

/** Any JSON-ish value an attacker can put where a field is expected: wrong types included. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [1, 2], { nested: { deeper: '\u0000' } }, ['\ud800']) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** URL-safe text for headers (Node refuses other bytes on the client side). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'x'.repeat(300),
    'pay_x',
    '../..',
    '"quoted"',
    'a;b=c',
    'Bearer',
    'Bearer ',
    'Bearer x y',
    '%00',
    'ru-RU,ru;q=0.9',
    '*;q=2',
    'en-US;q=NaN',
  ),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_.:;=,/\\"\'*%'.split('')), maxLength: 40 }),
);

/** Replaces the value at path `keys` of a JSON value (objects and arrays copied, never mutated). */
export function replaceAt(value: unknown, keys: readonly (string | number)[], replacement: unknown): unknown {
  if (keys.length === 0) return replacement;
  const [head, ...rest] = keys;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, replacement) : v));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    copy[String(head)] = replaceAt(copy[String(head)], rest, replacement);
    return copy;
  }
  return replacement;
}

/** Every path to a leaf (and to each object or array) of a JSON value. */
export function pathsOf(value: unknown, prefix: readonly (string | number)[] = []): Array<readonly (string | number)[]> {
  const out: Array<readonly (string | number)[]> = prefix.length === 0 ? [] : [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

/** JSON nested `depth` levels deep, as text (deeper than any parser limit Tender sets). */
export function deepJson(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
}
