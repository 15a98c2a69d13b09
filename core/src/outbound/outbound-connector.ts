import type { LookupFunction, Socket } from 'node:net';
import { buildConnector } from 'undici';
import { hostKey } from './gateway-self';
import { classifyAddress } from './ip-address-class';
import { OutboundRefusal } from './outbound-refusal';
import type { ResolvedAddress } from './outbound-resolver';
import { scopeRefused } from './outbound-url-guard';
import type { OutboundAccess, OutboundUrlGuard } from './outbound-url-guard';

/**
 * The connect hook of one of the outbound client's undici pools (one purpose, one
 * access). Every new connection gets its addresses from the guard, which refuses
 * the connection unless every address passes (so a DNS answer that changed since
 * registration is caught) and hands the socket exactly the addresses it checked;
 * once connected, the peer address is checked again (second line of defence), and
 * a refused peer's socket is destroyed before undici sends a byte on it. TCP, and
 * TLS for https, must be up within `connectTimeoutMs` (undici's ConnectTimeoutError
 * otherwise).
 *
 * A request that has already resolved and checked its host (the purposes that keep
 * connections check every request) `pin`s those answers while it runs: a connection
 * opened for it uses them rather than asking DNS a second time, so the addresses
 * checked are the addresses connected to, and a name is looked up once per request.
 *
 * A refusal reaches the request's caller as the OutboundRefusal itself: undici fails
 * the requests waiting for a connection with the connector's error.
 *
 * @example
 * ```ts
 * const connector = new GuardedConnector(guard, { allowPrivate: false }, 5000);
 * const agent = new Agent({ connect: connector.connect });
 * const unpin = connector.pin('shop.example', 443, await guard.resolveChecked('shop.example', 443, access));
 * try { await agent.request({ origin: 'https://shop.example', path: '/hooks', method: 'POST', body }); } finally { unpin(); }
 * ```
 */
export class GuardedConnector {
  /** The undici connector of each port: the guard's lookup needs the port (the gateway's own are refused). */
  private readonly byPort = new Map<number, buildConnector.connector>();
  /** Answers requests in flight have checked, by host and port, with how many requests pinned them. */
  private readonly pinned = new Map<string, { answers: readonly ResolvedAddress[]; holders: number }>();

  constructor(
    private readonly guard: OutboundUrlGuard,
    private readonly access: OutboundAccess,
    private readonly connectTimeoutMs: number,
  ) {}

  /** Lets a new connection to `hostname`:`port` use `answers` until the returned function is called. */
  pin(hostname: string, port: number, answers: readonly ResolvedAddress[]): () => void {
    const key = pinKey(hostname, port);
    const entry = this.pinned.get(key);
    // Every set of pinned answers passed the guard with this access: the latest serves all holders.
    if (entry === undefined) this.pinned.set(key, { answers, holders: 1 });
    else {
      entry.answers = answers;
      entry.holders++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const e = this.pinned.get(key);
      if (e !== undefined && --e.holders === 0) this.pinned.delete(key);
    };
  }

  /** undici's `connect` option. */
  readonly connect: buildConnector.connector = (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    let connect = this.byPort.get(port);
    if (connect === undefined) {
      // Ports come from merchants' URLs: the memo (each entry with its TLS session
      // cache) is bounded, and starts again past the bound.
      if (this.byPort.size >= PORTS_KEPT) this.byPort.clear();
      connect = buildConnector({ timeout: this.connectTimeoutMs, lookup: this.lookup(port) });
      this.byPort.set(port, connect);
    }
    connect(options, (...args) => {
      const [error, socket] = args;
      if (error !== null) {
        callback(error, null);
        return;
      }
      const refusal = peerRefusal(socket, this.access);
      if (refusal === undefined) {
        callback(null, socket);
        return;
      }
      socket.destroy();
      callback(refusal, null);
    });
  };

  private lookup(port: number): LookupFunction {
    return (hostname, options, callback) => {
      const pinned = this.pinned.get(pinKey(hostname, port))?.answers;
      this.guard.lookupFor(port, this.access, pinned)(hostname, options, callback);
    };
  }
}

/** Ports whose connectors are kept at most (most pools see a handful: 443, 80, a few others). */
const PORTS_KEPT = 64;

function pinKey(hostname: string, port: number): string {
  return `${hostKey(hostname)}|${port}`;
}

/** Why the connected peer must not be talked to, if it must not. */
function peerRefusal(socket: Socket, access: OutboundAccess): OutboundRefusal | undefined {
  const peer = socket.remoteAddress === undefined ? undefined : classifyAddress(socket.remoteAddress);
  if (peer !== undefined && !scopeRefused(peer, access)) return undefined;
  return new OutboundRefusal('private_address', `Refused: connected to ${socket.remoteAddress ?? 'an unknown address'}, a private or reserved address.`);
}
