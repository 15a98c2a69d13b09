import dns from 'node:dns';

/** One answer of a name lookup: an IP address and its family. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Turns a host name into the addresses a connection would try. The outbound client
 * asks it once per connection and checks every answer, so what is checked is what is
 * connected to. Tests register their own (a rebinding resolver: a public address at
 * registration, loopback at connect time).
 *
 * @example
 * ```ts
 * const addresses = await resolver('shop.example'); // [{ address: '93.184.216.34', family: 4 }]
 * ```
 */
export type OutboundResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const OUTBOUND_RESOLVER = Symbol('OutboundResolver');

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), every address, in the system's order. */
export const systemResolver: OutboundResolver = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};
