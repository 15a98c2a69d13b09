import { LookupFunction } from 'node:net';
import { inject, injectable } from 'tsyringe';
import { AddressClass, classifyAddress, describeAddress } from './ip-address-class';
import { GatewaySelf, effectivePort, hostKey } from './gateway-self';
import { OUTBOUND_RESOLVER, OutboundResolver, ResolvedAddress } from './outbound-resolver';
import { OutboundRefusal } from './outbound-refusal';

/** Whether private addresses are acceptable for this request (test mode, operator allowed). */
export interface OutboundAccess {
  readonly allowPrivate: boolean;
}

/**
 * The server-side request forgery rules, in one place, for every URL the gateway
 * calls: http(s) only, no credentials, never the gateway itself (its public host, or
 * an address it listens on: on any port where private targets are not allowed, on
 * its own port where they are), and no address outside the public Internet
 * unless private targets are allowed, and even then none of the forbidden ranges
 * (link-local, metadata, multicast, reserved...). See `classifyAddress`.
 *
 * `check` runs when a URL is registered; `lookupFor` runs the same checks at connect
 * time on the very addresses the socket will use, so a DNS answer that changed since
 * (rebinding) is caught.
 *
 * @example
 * ```ts
 * const url = await guard.check('https://shop.example/hooks', { allowPrivate: false });
 * ```
 */
@injectable()
export class OutboundUrlGuard {
  constructor(
    @inject(GatewaySelf) private readonly self: GatewaySelf,
    @inject(OUTBOUND_RESOLVER) private readonly resolve: OutboundResolver,
  ) {}

  /** Scheme, credentials and the gateway's own host name: everything that needs no DNS. */
  parse(raw: string | URL, access: OutboundAccess): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundRefusal('url_invalid', 'Must be an absolute http or https URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new OutboundRefusal('scheme_unsupported', `The gateway calls http or https URLs only, not ${url.protocol.replace(/:$/, '')}.`);
    }
    if (url.username !== '' || url.password !== '') throw new OutboundRefusal('credentials', 'Credentials in the URL are not accepted.');
    if (url.hostname === '') throw new OutboundRefusal('url_invalid', 'Must be an absolute http or https URL.');
    if (this.self.isPublicOrigin(url, !access.allowPrivate)) throw pointsToGateway(url.host);
    return url;
  }

  /** Everything, with DNS: the checks a URL gets when it is registered. Returns the parsed URL. */
  async check(raw: string | URL, access: OutboundAccess): Promise<URL> {
    const url = this.parse(raw, access);
    const literal = classifyAddress(url.hostname);
    if (literal !== undefined) await this.checkAddress(literal, effectivePort(url), access, url.hostname);
    else await this.resolveChecked(url.hostname, effectivePort(url), access);
    return url;
  }

  /** Refuses an address (already resolved, or a literal) the request must not reach. */
  async checkAddress(address: AddressClass, port: number, access: OutboundAccess, host: string = address.address): Promise<void> {
    const named = hostKey(host) !== address.address;
    const where = named ? `${host} resolved to ${describeAddress(address)}` : describeAddress(address);
    if (scopeRefused(address, access)) {
      throw new OutboundRefusal('private_address', `Refused: ${where}, a private or reserved address.`);
    }
    if (await this.self.isGateway(address.address, port, !access.allowPrivate))
      throw pointsToGateway(named ? `${host} (${address.address}:${port})` : `${address.address}:${port}`);
  }

  /** Resolves a name and checks every answer; the addresses a connection may use. */
  async resolveChecked(hostname: string, port: number, access: OutboundAccess): Promise<readonly ResolvedAddress[]> {
    const name = hostKey(hostname);
    // RFC 6761: localhost names are loopback whatever a resolver says.
    if (!access.allowPrivate && (name === 'localhost' || name.endsWith('.localhost'))) {
      throw new OutboundRefusal('private_address', `Refused: ${hostname} is a loopback name, a private or reserved address.`);
    }
    let answers: readonly ResolvedAddress[];
    try {
      answers = await this.resolve(hostname);
    } catch {
      throw new OutboundRefusal('unresolvable', `The host ${hostname} does not resolve.`);
    }
    if (answers.length === 0) throw new OutboundRefusal('unresolvable', `The host ${hostname} does not resolve.`);
    for (const answer of answers) {
      const c = classifyAddress(answer.address);
      if (c === undefined) throw new OutboundRefusal('unresolvable', `The host ${hostname} resolved to ${answer.address}, which is not an IP address.`);
      await this.checkAddress(c, port, access, hostname);
    }
    return answers;
  }

  /**
   * A `lookup` for node's http(s).request: resolves, refuses the connection unless
   * every address passes, and hands the socket exactly the addresses it checked;
   * or, given `checked` (what resolveChecked returned for this request), hands over
   * those without a second lookup.
   */
  lookupFor(port: number, access: OutboundAccess, checked?: readonly ResolvedAddress[]): LookupFunction {
    const lookup = (
      hostname: string,
      options: { family?: number | string; all?: boolean },
      callback: (error: NodeJS.ErrnoException | null, address: string | Array<{ address: string; family: number }>, family?: number) => void,
    ): void => {
      (checked !== undefined ? Promise.resolve(checked) : this.resolveChecked(hostname, port, access)).then(
        (answers) => {
          const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
          const usable = family === 4 || family === 6 ? answers.filter((a) => a.family === family) : [...answers];
          const first = usable[0];
          if (first === undefined) {
            callback(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }), '');
            return;
          }
          if (options.all === true) {
            callback(
              null,
              usable.map((a) => ({ address: a.address, family: a.family })),
            );
            return;
          }
          callback(null, first.address, first.family);
        },
        (error: Error) => callback(error, ''),
      );
    };
    return lookup;
  }
}

/** The address rule itself: forbidden ranges never, private ones only where private targets are allowed. */
export function scopeRefused(address: AddressClass, access: OutboundAccess): boolean {
  return address.scope === 'forbidden' || (address.scope === 'private' && !access.allowPrivate);
}

function pointsToGateway(target: string): OutboundRefusal {
  return new OutboundRefusal('points_to_gateway', `Refused: ${target} is this gateway; a URL the gateway calls cannot point at the gateway itself.`);
}
