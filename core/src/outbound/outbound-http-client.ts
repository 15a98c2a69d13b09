import http from 'node:http';
import https from 'node:https';
import { LookupFunction, Socket } from 'node:net';
import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { classifyAddress } from './ip-address-class';
import { OutboundAccess, OutboundUrlGuard } from './outbound-url-guard';
import { GatewaySelf, effectivePort } from './gateway-self';
import { OUTBOUND_POLICIES, OutboundPolicies, OutboundPolicy, OutboundPurpose, defaultOutboundPolicies } from './outbound-policy';
import { OutboundResolver, ResolvedAddress, systemResolver } from './outbound-resolver';
import { OutboundRefusal } from './outbound-refusal';
import { OutboundRequestError, OutboundResponse } from './outbound-response';

/** One request the gateway makes on its own initiative. */
export interface OutboundRequest {
  readonly purpose: OutboundPurpose;
  /**
   * The mode of what the target belongs to (the endpoint, the installation, the
   * merchant's settings): live-mode requests never reach private addresses.
   */
  readonly livemode: boolean;
  readonly url: string | URL;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** A shorter or longer deadline than the policy's (a plugin's own setting). */
  readonly timeoutMs?: number;
}

/** Whose URL is checked: the purpose and the mode decide whether private addresses pass. */
export interface OutboundTarget {
  readonly purpose: OutboundPurpose;
  readonly livemode: boolean;
}

/**
 * The one HTTP client for every request the gateway initiates: webhooks, shop
 * platform APIs (Saleor), result pushes (Assist), and anything a plugin adds. No
 * other code opens outbound connections (a test scans the source for that).
 *
 * Every request: http or https only, no credentials in the URL, every address the
 * host resolves to checked when the socket connects (so DNS rebinding after
 * registration is caught), never this gateway, redirects returned and never
 * followed, a connect timeout, a whole-request deadline, the answer read only up to
 * the policy's size limit, no proxy from the environment.
 *
 * Connections: a purpose whose policy has `keepAliveMs` (webhooks: many small POSTs
 * to the same few endpoints) keeps idle connections open that long and reuses them;
 * every other request has a connection of its own. A kept connection was checked
 * when it connected and its peer cannot change; every request still looks the name
 * up and checks the answer before it is sent (so a name rebound to a refused
 * address is refused at once, kept connection or not); pools are kept
 * apart by whether private addresses were allowed, so a live-mode request never
 * reuses a connection opened for test mode. A request whose reused connection the
 * peer had just closed (its idle timeout racing the reuse; no answer was read) is
 * sent once more on a new connection.
 *
 * Built on node:http/https rather than fetch/undici: their `lookup` hook is where
 * the address check lives, they never follow redirects or read proxy variables,
 * and core needs no extra dependency.
 *
 * @example
 * ```ts
 * // In a plugin: ctx.outbound, or container.resolve(OutboundHttpClient)
 * await client.checkUrl(input.url, { purpose: 'merchant_push', livemode }); // at settings time
 * const res = await client.request({
 *   purpose: 'merchant_push',
 *   livemode,
 *   url: 'https://shop.example/result',
 *   method: 'POST',
 *   headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
 *   body: 'ordernumber=1',
 * });
 * if (!res.ok) throw new Error(`HTTP ${res.status}`);
 * ```
 */
@injectable()
export class OutboundHttpClient {
  /** Keep-alive agents by purpose, scheme and access (see the class comment). */
  private readonly agents = new Map<string, http.Agent>();

  constructor(
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(OUTBOUND_POLICIES) private readonly policies: OutboundPolicies,
    @inject(OutboundUrlGuard) readonly guard: OutboundUrlGuard,
  ) {}

  /** A client outside a gateway's container (scripts, tests). */
  static create(config: TenderConfig, options: { resolver?: OutboundResolver } = {}): OutboundHttpClient {
    const resolver = options.resolver ?? systemResolver;
    return new OutboundHttpClient(config, defaultOutboundPolicies(config), new OutboundUrlGuard(new GatewaySelf(config, resolver), resolver));
  }

  policy(purpose: OutboundPurpose): OutboundPolicy {
    return this.policies[purpose];
  }

  /** Private targets: only in test mode, only when the operator allows them, only for purposes that may. */
  allowsPrivate(target: OutboundTarget): boolean {
    return !target.livemode && this.config.outbound.allowPrivate && this.policies[target.purpose].privateInTestMode;
  }

  /** The registration check of a URL (syntax, self, every resolved address); throws OutboundRefusal. */
  checkUrl(raw: string | URL, target: OutboundTarget): Promise<URL> {
    return this.guard.check(raw, this.access(target));
  }

  /**
   * Sends the request; resolves with the answer (any status, redirects included),
   * rejects with OutboundRefusal (the target is not allowed) or OutboundRequestError.
   */
  async request(req: OutboundRequest): Promise<OutboundResponse> {
    const policy = this.policies[req.purpose];
    const access = this.access(req);
    const url = this.guard.parse(req.url, access);
    const port = effectivePort(url);
    // A literal address is not looked up, so the socket's lookup never sees it.
    const literal = classifyAddress(url.hostname);
    if (literal !== undefined) await this.guard.checkAddress(literal, port, access, url.hostname);
    // A kept connection never looks the name up: every request does, here, so a name
    // rebound to a refused address is refused even while an older connection lives.
    const checked = literal === undefined && policy.keepAliveMs !== undefined ? await this.guard.resolveChecked(url.hostname, port, access) : undefined;
    return this.send(url, port, req, policy, access, checked);
  }

  /** Closes the kept connections (the gateway's close; a request after this opens new ones). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private access(target: OutboundTarget): OutboundAccess {
    return { allowPrivate: this.allowsPrivate(target) };
  }

  /** The pool for this purpose, scheme and access, or false: a connection of its own. */
  private agentFor(url: URL, policy: OutboundPolicy, access: OutboundAccess): http.Agent | false {
    if (policy.keepAliveMs === undefined) return false;
    const key = `${policy.purpose}|${url.protocol}|${access.allowPrivate ? 'private' : 'public'}`;
    let agent = this.agents.get(key);
    if (agent === undefined) {
      // `timeout` closes a connection idle this long.
      const options = { keepAlive: true, timeout: policy.keepAliveMs, maxFreeSockets: KEPT_PER_ORIGIN, scheduling: 'lifo' as const };
      agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }

  private async send(
    url: URL,
    port: number,
    req: OutboundRequest,
    policy: OutboundPolicy,
    access: OutboundAccess,
    checked: readonly ResolvedAddress[] | undefined,
  ): Promise<OutboundResponse> {
    const lookup = this.guard.lookupFor(port, access, checked);
    try {
      return await this.sendOnce(url, req, policy, access, lookup);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      return this.sendOnce(url, req, policy, access, lookup);
    }
  }

  private sendOnce(url: URL, req: OutboundRequest, policy: OutboundPolicy, access: OutboundAccess, lookup: LookupFunction): Promise<OutboundResponse> {
    const started = process.hrtime.bigint();
    const elapsed = (): number => Number((process.hrtime.bigint() - started) / 1_000_000n);
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    const timeoutMs = req.timeoutMs ?? policy.timeoutMs;
    const transport = url.protocol === 'https:' ? https : http;
    const agent = this.agentFor(url, policy, access);
    return new Promise<OutboundResponse>((resolve, reject) => {
      let settled = false;
      let answered = false;
      const timers: NodeJS.Timeout[] = [];
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        for (const t of timers) clearTimeout(t);
        return true;
      };
      const fail = (error: Error): void => {
        if (!settle()) return;
        request.destroy();
        reject(error);
      };
      const request = transport.request(
        url,
        {
          method: req.method ?? 'GET',
          headers: {
            'User-Agent': policy.userAgent,
            ...(agent === false ? { Connection: 'close' } : {}),
            ...(body === undefined ? {} : { 'Content-Length': String(body.length) }),
            ...req.headers,
          },
          agent,
          lookup,
          maxHeaderSize: 16 * 1024,
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          let truncated = false;
          const finish = (): void => {
            if (!settle()) return;
            resolve(new OutboundResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks), truncated, elapsed()));
            if (truncated) request.destroy();
          };
          res.on('data', (chunk: Buffer) => {
            if (truncated) return;
            const room = policy.maxResponseBytes - size;
            if (chunk.length > room) {
              chunks.push(chunk.subarray(0, room));
              size += room;
              truncated = true;
              finish();
              return;
            }
            chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', finish);
          res.on('error', (error: Error) => fail(new OutboundRequestError('response_cut', `the answer broke off: ${error.message}`, elapsed())));
          res.on('close', () => {
            if (!res.complete) fail(new OutboundRequestError('response_cut', 'the answer broke off before its end', elapsed()));
          });
        },
      );
      timers.push(setTimeout(() => fail(new OutboundRequestError('timeout', `no answer within ${timeoutMs} ms`, elapsed())), timeoutMs));
      timers.push(
        setTimeout(
          () => fail(new OutboundRequestError('connect_timeout', `no connection within ${policy.connectTimeoutMs} ms`, elapsed())),
          policy.connectTimeoutMs,
        ),
      );
      request.on('socket', (socket: Socket) => {
        // A kept connection is connected already: it was checked when it connected.
        if (!socket.connecting) {
          clearTimeout(timers[1]);
          return;
        }
        socket.once('connect', () => {
          // Second line of defence: the peer is what the lookup (or the literal check) allowed.
          const peer = socket.remoteAddress === undefined ? undefined : classifyAddress(socket.remoteAddress);
          if (peer === undefined || peer.scope === 'forbidden' || (peer.scope === 'private' && !access.allowPrivate)) {
            fail(
              new OutboundRefusal('private_address', `Refused: connected to ${socket.remoteAddress ?? 'an unknown address'}, a private or reserved address.`),
            );
          }
        });
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(timers[1]));
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (request.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) fail(new StaleConnection(error.message));
        else if (error instanceof OutboundRefusal || error instanceof OutboundRequestError) fail(error);
        else fail(new OutboundRequestError('network', error.message, elapsed()));
      });
      request.end(body);
    });
  }
}

/**
 * Idle connections kept per origin at most: as many as a webhook dispatcher has in
 * flight (64), so a burst to one receiver finds its connections again rather than
 * closing the surplus and opening new ones at the next burst.
 */
const KEPT_PER_ORIGIN = 64;

/** A reused connection the peer had closed before the request was read: safe to send again. */
class StaleConnection extends Error {}
