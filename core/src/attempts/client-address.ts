import net from 'node:net';

/**
 * The subject an attempt limit counts a client address under. IPv4 addresses (also
 * written IPv4-mapped, `::ffff:192.0.2.1`) count alone; an IPv6 address counts with its
 * /64, because one host usually holds a whole /64 and could otherwise take a fresh
 * address for every guess.
 *
 * @example
 * ```ts
 * clientAddressSubject('::ffff:192.0.2.7');          // 'ip:192.0.2.7'
 * clientAddressSubject('2001:db8:1:2:aaaa::1');      // 'ip:2001:db8:1:2::/64'
 * ```
 */
export function clientAddressSubject(address: string | undefined): string {
  const ip = (address ?? '').trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)?.[1];
  if (mapped !== undefined) return `ip:${mapped}`;
  if (net.isIPv4(ip)) return `ip:${ip}`;
  if (net.isIPv6(ip)) return `ip:${ipv6Groups(ip).slice(0, 4).join(':')}::/64`;
  return 'ip:unknown';
}

/** The eight groups of an IPv6 address, in lowercase without leading zeros. */
function ipv6Groups(ip: string): string[] {
  const bare = ip.split('%')[0] ?? '';
  // A trailing dotted quad (::ffff:1.2.3.4 is handled above; 64:ff9b::1.2.3.4 here) becomes two groups.
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(bare)?.[1];
  const text =
    dotted === undefined
      ? bare
      : bare.slice(0, -dotted.length) +
        dotted
          .split('.')
          .map(Number)
          .reduce<number[]>(
            (groups, octet, i) => (i % 2 === 0 ? [...groups, octet << 8] : [...groups.slice(0, -1), (groups[groups.length - 1] ?? 0) | octet]),
            [],
          )
          .map((g) => g.toString(16))
          .join(':');
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}
