import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may never reach unless private targets are allowed: loopback,
 * private (RFC 1918, unique local), carrier-grade NAT, link-local (which includes
 * cloud metadata at 169.254.169.254), multicast, unspecified, reserved and
 * documentation ranges, and IPv6 forms that embed an IPv4 address (mapped, NAT64,
 * 6to4) because they can smuggle any of the above.
 */
// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules (through the
// mapped form), and ::ffff:0:0/96 below would then refuse every IPv4 address.
const FORBIDDEN_V4 = new BlockList();
const FORBIDDEN_V6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) FORBIDDEN_V4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) FORBIDDEN_V6.addSubnet(net, prefix, 'ipv6');

/** True for an IP literal a webhook must not be sent to; false for public addresses and non-IPs. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return family === 4 ? FORBIDDEN_V4.check(bare, 'ipv4') : FORBIDDEN_V6.check(bare, 'ipv6');
}
