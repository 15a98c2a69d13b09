import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where an address may be reached from the gateway:
 * - `public`: globally routable unicast; any outbound request may go there.
 * - `private`: this machine or its private network (loopback, RFC 1918, unique local,
 *   carrier-grade NAT, local-use NAT64); only where private targets are allowed
 *   (test mode, `TENDER_OUTBOUND_ALLOW_PRIVATE=true`).
 * - `forbidden`: never, in any mode: unspecified, broadcast, multicast, link-local
 *   (cloud metadata at 169.254.169.254), documentation, benchmarking, reserved and
 *   anycast ranges, deprecated transition forms (6to4, Teredo, IPv4-compatible), and
 *   the cloud metadata endpoints that sit on other ranges.
 */
export type AddressScope = 'public' | 'private' | 'forbidden';

/** An IPv6 form that carries an IPv4 address, and that address's class. */
export interface EmbeddedIpv4 {
  readonly form: 'ipv4-mapped' | 'ipv4-compatible' | 'ipv4-translated' | 'nat64' | 'nat64-local' | '6to4' | 'teredo';
  readonly address: string;
  readonly range: string;
}

/**
 * What an IP address is. `range` is ipaddr.js's name for the special-purpose range
 * (`loopback`, `private`, `linkLocal`, `uniqueLocal`, `reserved`, `rfc6052`, ...,
 * `unicast` for ordinary addresses), or Tender's own for what it adds
 * (`cloudMetadata`, `ipv4Compatible`, `notGlobalUnicast`).
 *
 * @example
 * ```ts
 * classifyAddress('::ffff:127.0.0.1');
 * // { address: '::ffff:7f00:1', family: 6, range: 'ipv4Mapped', scope: 'private',
 * //   embedded: { form: 'ipv4-mapped', address: '127.0.0.1', range: 'loopback' } }
 * ```
 */
export interface AddressClass {
  readonly address: string;
  readonly family: 4 | 6;
  readonly range: string;
  readonly scope: AddressScope;
  readonly embedded?: EmbeddedIpv4;
}

const IPV4_SCOPE: Record<string, AddressScope> = { unicast: 'public', loopback: 'private', private: 'private', carrierGradeNat: 'private' };
const IPV6_SCOPE: Record<string, AddressScope> = { unicast: 'public', loopback: 'private', uniqueLocal: 'private' };

/**
 * Cloud metadata and platform endpoints outside link-local, which would otherwise be
 * `private` (a developer's loopback shop is fine; these never are) or `public`.
 */
const CLOUD_METADATA = new Set(['100.100.100.200', '168.63.129.16', 'fd00:ec2::254', 'fd20:ce::254'].map((a) => ipaddr.parse(a).toNormalizedString()));

/** Only 2000::/3 is allocated for global unicast; anything else ipaddr.js calls unicast is not. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const NAT64_LOCAL = ipaddr.parseCIDR('64:ff9b:1::/48');

const ORDER: readonly AddressScope[] = ['public', 'private', 'forbidden'];
const worst = (a: AddressScope, b: AddressScope): AddressScope => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

/** Classifies an IP literal (brackets allowed); undefined for anything that is not one (a host name). */
export function classifyAddress(input: string): AddressClass | undefined {
  const bare = input.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 0) return undefined;
  const parsed = ipaddr.parse(isIP(bare) === 6 ? hexTail(bare) : bare);
  if (parsed.kind() === 'ipv4') return classifyIpv4(parsed as ipaddr.IPv4);
  return classifyIpv6(parsed as ipaddr.IPv6);
}

/**
 * `::a.b.c.d` written with hex words: ipaddr.js reads the dotted form `::127.0.0.1`
 * as IPv4-mapped (`::ffff:7f00:1`), but it is the IPv4-compatible `::7f00:1`.
 */
function hexTail(v6: string): string {
  return v6.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)(%.*)?$/, (_m, a: string, b: string, c: string, d: string, zone: string | undefined) => {
    const word = (x: string, y: string): string => ((Number(x) << 8) | Number(y)).toString(16);
    return `${word(a, b)}:${word(c, d)}${zone ?? ''}`;
  });
}

function classifyIpv4(ip: ipaddr.IPv4): AddressClass {
  const address = ip.toString();
  const range = ip.range() as string;
  if (CLOUD_METADATA.has(address)) return { address, family: 4, range: 'cloudMetadata', scope: 'forbidden' };
  return { address, family: 4, range, scope: IPV4_SCOPE[range] ?? 'forbidden' };
}

function classifyIpv6(ip: ipaddr.IPv6): AddressClass {
  const address = ip.toRFC5952String();
  const range = ip.range() as string;
  if (CLOUD_METADATA.has(ip.toNormalizedString())) return { address, family: 6, range: 'cloudMetadata', scope: 'forbidden' };
  const wrapped = embeddedIpv4(ip, range);
  if (wrapped !== undefined) {
    const inner = classifyIpv4(wrapped.ipv4);
    const embedded: EmbeddedIpv4 = { form: wrapped.form, address: inner.address, range: inner.range };
    // RFC 6052: the well-known NAT64 prefix never carries a non-global address.
    const scope = wrapped.form === 'nat64' && inner.scope !== 'public' ? 'forbidden' : worst(wrapped.floor, inner.scope);
    return { address, family: 6, range: wrapped.range, scope, embedded };
  }
  if (range === 'unicast' && !ip.match(GLOBAL_UNICAST)) return { address, family: 6, range: 'notGlobalUnicast', scope: 'forbidden' };
  return { address, family: 6, range, scope: IPV6_SCOPE[range] ?? 'forbidden' };
}

/**
 * The IPv4 address inside an IPv6 form that carries one, with the least restrictive
 * scope the form itself can have: a mapped address is what it carries; a NAT64
 * (64:ff9b::/96) address is public if what it carries is, else forbidden; local-use
 * NAT64 is private at best; the deprecated forms
 * (IPv4-compatible, IPv4-translated, 6to4, Teredo) are never reachable targets, and
 * are unwrapped only to say what they hid.
 */
function embeddedIpv4(ip: ipaddr.IPv6, range: string): { form: EmbeddedIpv4['form']; range: string; floor: AddressScope; ipv4: ipaddr.IPv4 } | undefined {
  const p = ip.parts;
  const last32 = (): ipaddr.IPv4 => fromWords(p[6], p[7]);
  switch (range) {
    case 'ipv4Mapped':
      return { form: 'ipv4-mapped', range, floor: 'public', ipv4: last32() };
    case 'rfc6145':
      return { form: 'ipv4-translated', range, floor: 'forbidden', ipv4: last32() };
    case 'rfc6052':
      return ip.match(NAT64_LOCAL)
        ? { form: 'nat64-local', range: 'nat64Local', floor: 'private', ipv4: last32() }
        : { form: 'nat64', range, floor: 'public', ipv4: last32() };
    case '6to4':
      return { form: '6to4', range, floor: 'forbidden', ipv4: fromWords(p[1], p[2]) };
    case 'teredo':
      // The client's address is stored inverted in the last 32 bits.
      return { form: 'teredo', range, floor: 'forbidden', ipv4: fromWords(~p[6] & 0xffff, ~p[7] & 0xffff) };
    default:
      // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291); :: and ::1 are not.
      if (p.slice(0, 6).every((w) => w === 0) && (p[6] !== 0 || p[7] > 1))
        return { form: 'ipv4-compatible', range: 'ipv4Compatible', floor: 'forbidden', ipv4: last32() };
      return undefined;
  }
}

function fromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** A short description for messages: "127.0.0.1 (loopback)", "::7f00:1 (ipv4-compatible form of 127.0.0.1, loopback)". */
export function describeAddress(c: AddressClass): string {
  if (c.embedded !== undefined) return `${c.address} (${c.embedded.form} form of ${c.embedded.address}, ${c.embedded.range})`;
  return `${c.address} (${c.range})`;
}
