import { BlockList, isIP } from 'node:net';

/** An IPv4 or IPv6 address, or a CIDR range of either (`203.0.113.0/24`, `2001:db8::/32`). */
export function isIpOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** `::ffff:192.0.2.1` is the IPv4 address 192.0.2.1 and should match IPv4 ranges. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return (mapped?.[1] ?? ip).toLowerCase();
}

/**
 * A matcher for a list of addresses and ranges (node's BlockList: exact prefix
 * arithmetic for both families, no string tricks).
 *
 * @example
 * ```ts
 * ipMatcher(['203.0.113.0/24', '2001:db8::/32'])('203.0.113.77'); // true
 * ```
 */
export function ipMatcher(entries: readonly string[]): (ip: string) => boolean {
  // Rule settings are read afresh for every assessment, and building a BlockList of a
  // few thousand ranges costs milliseconds; the same list is built once.
  const key = entries.join(',');
  const cached = MATCHERS.get(key);
  if (cached !== undefined) return cached;
  const matcher = buildMatcher(entries);
  if (MATCHERS.size >= MAX_CACHED) MATCHERS.delete(MATCHERS.keys().next().value as string);
  MATCHERS.set(key, matcher);
  return matcher;
}

const MAX_CACHED = 256;
const MATCHERS = new Map<string, (ip: string) => boolean>();

function buildMatcher(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(normalizeIp(address), family);
    else list.addSubnet(normalizeIp(address), Number(bits), family);
  }
  return (ip) => {
    const normalized = normalizeIp(ip);
    const family = isIP(normalized);
    return family !== 0 && list.check(normalized, family === 6 ? 'ipv6' : 'ipv4');
  };
}
