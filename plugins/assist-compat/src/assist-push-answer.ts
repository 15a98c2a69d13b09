import { XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Values stay text ("0", not 0), and no entity of a DOCTYPE is expanded.
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: false,
  trimValues: true,
});

/**
 * Whether the shop accepted a result push: its answer is an XML document whose root
 * is `<pushpaymentresult>` with firstcode 0 and secondcode 0, as attributes (in any
 * order, either quote) or as child elements. Anything else (not XML, another root,
 * other codes, a code missing) is a failed attempt and the push is retried.
 *
 * @example
 * ```ts
 * pushAccepted('<pushpaymentresult secondcode="0" firstcode="0"></pushpaymentresult>'); // true
 * pushAccepted('<pushpaymentresult firstcode="1" secondcode="0"/>');                    // false
 * ```
 */
export function pushAccepted(body: string): boolean {
  const text = body.trim();
  if (text === '' || XMLValidator.validate(text) !== true) return false;
  const doc: unknown = parser.parse(text);
  if (!isRecord(doc)) return false;
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith('!'));
  if (roots.length !== 1 || roots[0]?.toLowerCase() !== 'pushpaymentresult') return false;
  const root = doc[roots[0]];
  // <pushpaymentresult/> with no attributes parses to ''.
  if (!isRecord(root)) return false;
  return codeOf(root, 'firstcode') === '0' && codeOf(root, 'secondcode') === '0';
}

function codeOf(root: Record<string, unknown>, name: string): string | undefined {
  const entry = Object.entries(root).find(([k]) => k.toLowerCase() === `@${name}` || k.toLowerCase() === name);
  const value = entry?.[1];
  return typeof value === 'string' ? value.trim() : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
