import os from 'node:os';
import { AddressInfo } from 'node:net';
import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { classifyAddress } from './ip-address-class';
import { OUTBOUND_RESOLVER, OutboundResolver } from './outbound-resolver';

/**
 * How long the DNS answer for the public host (or a named listening host), and the
 * list of this machine's interface addresses, are reused.
 */
const HOST_TTL_MS = 60_000;

/**
 * Where this gateway can be reached, so an outbound request never calls it: the
 * public URL (host name and port, and the addresses that host resolves to, with that
 * port), the configured listening address and port, and every address a server of
 * this process actually listens on. A wildcard listener (0.0.0.0, ::) is reached
 * through every address of this machine: loopback, unspecified and each interface's.
 *
 * `anyPort`: where private targets are not allowed, the gateway's host is off limits
 * on every port (its other services are not the merchant's); where they are allowed
 * (a developer's machine), the same host on another port is somebody else's server.
 *
 * @example
 * ```ts
 * await self.isGateway('127.0.0.1', 8080, false); // true when Tender listens on 0.0.0.0:8080
 * self.isPublicOrigin(new URL('https://pay.example.com/x'), false); // true for TENDER_PUBLIC_URL=https://pay.example.com
 * ```
 */
@injectable()
export class GatewaySelf {
  private readonly publicHost: string;
  private readonly publicPort: number;
  private readonly listeners: Array<{ host: string; port: number }> = [];
  private readonly resolved = new Map<string, { at: number; addresses: Promise<string[]> }>();
  /**
   * This machine's interface addresses (canonical), read at most once per HOST_TTL_MS.
   * `os.networkInterfaces()` costs about 60 µs a call here, and with a wildcard
   * listener (the default `HOST`) every outbound request asked for it once per address
   * it checked: about 60 µs on top of the 105 to 115 µs a webhook POST through the
   * outbound client costs (bench/outbound-request-cost.ts). An address added to an
   * interface is seen as this gateway's within a minute, as a changed DNS answer for
   * the public host is.
   */
  private interfaces: { at: number; addresses: ReadonlySet<string> } | undefined;

  constructor(
    @inject(CONFIG) config: TenderConfig,
    @inject(OUTBOUND_RESOLVER) private readonly resolve: OutboundResolver,
  ) {
    const url = new URL(config.publicUrl);
    this.publicHost = hostKey(url.hostname);
    this.publicPort = effectivePort(url);
    this.listeners.push({ host: config.host, port: config.port });
  }

  /** Called by the gateway once its server listens (port 0 becomes a real port). */
  addListener(address: AddressInfo): void {
    this.listeners.push({ host: address.address, port: address.port });
  }

  /** The URL names the gateway's public host (on its port, or on any port). */
  isPublicOrigin(url: URL, anyPort: boolean): boolean {
    return hostKey(url.hostname) === this.publicHost && (anyPort || effectivePort(url) === this.publicPort);
  }

  /** Whether a connection to `address`:`port` would reach this gateway (or, with `anyPort`, its host). */
  async isGateway(address: string, port: number, anyPort: boolean): Promise<boolean> {
    const target = canonical(address);
    for (const l of this.listeners) {
      if (!anyPort && l.port !== port) continue;
      if (l.host === '' || l.host === '0.0.0.0' || l.host === '::') {
        if (this.isLocalAddress(target)) return true;
      } else if ((await this.addressesOf(l.host)).includes(target)) {
        return true;
      }
    }
    return (anyPort || port === this.publicPort) && (await this.addressesOf(this.publicHost)).includes(target);
  }

  /** Whether `address` (canonical) is loopback, unspecified or one of this machine's interfaces'. */
  private isLocalAddress(address: string): boolean {
    const c = classifyAddress(address);
    if (c === undefined) return false;
    const v4 = c.embedded?.form === 'ipv4-mapped' ? c.embedded : c;
    if (v4.range === 'loopback' || v4.range === 'unspecified') return true;
    const now = Date.now();
    if (this.interfaces === undefined || now - this.interfaces.at > HOST_TTL_MS) this.interfaces = { at: now, addresses: interfaceAddresses() };
    return this.interfaces.addresses.has(address);
  }

  /** The addresses a host name or literal stands for, in canonical spelling (cached a minute). */
  private addressesOf(host: string): Promise<string[]> {
    const literal = classifyAddress(host);
    if (literal !== undefined) return Promise.resolve([canonical(literal.address)]);
    const now = Date.now();
    const cached = this.resolved.get(host);
    if (cached !== undefined && now - cached.at <= HOST_TTL_MS) return cached.addresses;
    const addresses = this.resolve(host).then(
      (list) => list.map((a) => canonical(a.address)),
      // The name may not resolve from inside (split DNS, tests); the name check still holds.
      () => [],
    );
    this.resolved.set(host, { at: now, addresses });
    return addresses;
  }
}

/** Lower case, no trailing dot, no brackets: how two host names are compared. */
export function hostKey(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** One spelling per address: IPv4 inside an IPv4-mapped IPv6 address is the IPv4 address. */
function canonical(address: string): string {
  const c = classifyAddress(address);
  if (c === undefined) return address.toLowerCase();
  if (c.embedded?.form === 'ipv4-mapped') return c.embedded.address;
  return c.address;
}

/** Every address of this machine's interfaces, in canonical spelling. */
function interfaceAddresses(): ReadonlySet<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list ?? []) addresses.add(canonical(i.address));
  }
  return addresses;
}
