import { inject, injectable } from 'tsyringe';
import { Agent, errors } from 'undici';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { classifyAddress } from './ip-address-class';
import { OutboundAccess, OutboundUrlGuard } from './outbound-url-guard';
import { GatewaySelf, effectivePort } from './gateway-self';
import { OUTBOUND_POLICIES, OutboundPolicies, OutboundPolicy, OutboundPurpose, defaultOutboundPolicies } from './outbound-policy';
import { OutboundResolver, systemResolver } from './outbound-resolver';
import { GuardedConnector } from './outbound-connector';
import { ExchangeFailure, exchange } from './outbound-exchange';
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
 * Built on undici's Agent (not its fetch, not the process-wide dispatcher): its
 * connect hook is where the address checks live (GuardedConnector), it never
 * follows redirects or reads proxy variables, and a kept-alive POST through its
 * handler interface (`exchange`) costs about a quarter of the CPU it did on
 * node:http's client (`node bench/dist/outbound-request-cost.js`): webhooks send
 * three per payment.
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
  /** Connection pools by purpose and access (see the class comment). */
  private readonly pools = new Map<string, { readonly agent: Agent; readonly connector: GuardedConnector }>();

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
    // rebound to a refused address is refused even while an older connection lives;
    // a connection opened for the request uses these very answers (GuardedConnector.pin).
    const pool = this.poolFor(policy, access);
    if (literal !== undefined || policy.keepAliveMs === undefined) return this.send(url, req, policy, pool.agent);
    const unpin = pool.connector.pin(url.hostname, port, await this.guard.resolveChecked(url.hostname, port, access));
    try {
      return await this.send(url, req, policy, pool.agent);
    } finally {
      unpin();
    }
  }

  /** Closes the kept connections (the gateway's close; a request after this opens new ones). */
  close(): void {
    for (const pool of this.pools.values()) pool.agent.destroy().catch(() => undefined);
    this.pools.clear();
  }

  private access(target: OutboundTarget): OutboundAccess {
    return { allowPrivate: this.allowsPrivate(target) };
  }

  /** The pool for this purpose and access (undici keeps one per origin inside it). */
  private poolFor(policy: OutboundPolicy, access: OutboundAccess): { readonly agent: Agent; readonly connector: GuardedConnector } {
    const key = `${policy.purpose}|${access.allowPrivate ? 'private' : 'public'}`;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      const connector = new GuardedConnector(this.guard, access, policy.connectTimeoutMs);
      const agent = new Agent({
        connect: connector.connect,
        // An idle kept connection is closed after this (sooner if the receiver's
        // Keep-Alive header asks for less); purposes without keep-alive send
        // `Connection: close` (below), so theirs never idle.
        keepAliveTimeout: policy.keepAliveMs ?? 1000,
        keepAliveMaxTimeout: policy.keepAliveMs ?? 1000,
        maxHeaderSize: 16 * 1024,
        // The whole-request deadline in sendOnce is the one that counts.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      pool = { agent, connector };
      this.pools.set(key, pool);
    }
    return pool;
  }

  private async send(url: URL, req: OutboundRequest, policy: OutboundPolicy, agent: Agent): Promise<OutboundResponse> {
    const started = process.hrtime.bigint();
    try {
      return await this.sendOnce(url, req, policy, agent, started);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      // The second try has what is left of the deadline, not a new one: a webhook's
      // lease is the deadline plus a margin, and must outlast both tries.
      return this.sendOnce(url, req, policy, agent, started);
    }
  }

  private async sendOnce(url: URL, req: OutboundRequest, policy: OutboundPolicy, agent: Agent, started: bigint): Promise<OutboundResponse> {
    const elapsed = (): number => Number((process.hrtime.bigint() - started) / 1_000_000n);
    const deadlineMs = req.timeoutMs ?? policy.timeoutMs;
    const timeoutMs = Math.max(1, deadlineMs - elapsed());
    try {
      const answer = await exchange(
        agent,
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: req.method ?? 'GET',
          headers: withUserAgent(req.headers, policy.userAgent),
          body: req.body,
          // Purposes without keep-alive send `Connection: close`: a connection per request.
          reset: policy.keepAliveMs === undefined,
        },
        {
          maxBytes: policy.maxResponseBytes,
          timeoutMs,
          onTimeout: () => new OutboundRequestError('timeout', `no answer within ${deadlineMs} ms`, elapsed()),
        },
      );
      return new OutboundResponse(answer.status, answer.headers, answer.body, answer.truncated, elapsed());
    } catch (error) {
      if (!(error instanceof ExchangeFailure)) throw error;
      throw failure(error, policy.keepAliveMs !== undefined, elapsed());
    }
  }
}

/** What a failed exchange is to the request's caller (see OutboundRequestError's failures). */
function failure(failed: ExchangeFailure, keptConnections: boolean, elapsed: number): Error {
  const error = failed.cause;
  if (error instanceof OutboundRefusal || error instanceof OutboundRequestError) return error;
  if (failed.answered) return new OutboundRequestError('response_cut', `the answer broke off: ${failed.message}`, elapsed);
  if (error instanceof errors.ConnectTimeoutError) return new OutboundRequestError('connect_timeout', failed.message, elapsed);
  if (keptConnections && staleConnection(error)) return new StaleConnection(failed.message);
  return new OutboundRequestError('network', failed.message, elapsed);
}

/**
 * A kept connection that broke before any answer to this request was read: the
 * peer closed it idle just as it was reused. undici's SocketError says how much the
 * connection had read before, so a connection that had answered earlier requests is
 * told from a new one; a reset (ECONNRESET, EPIPE) carries no such count and is
 * taken as stale too. Sending such a request once more is safe for the purposes that
 * keep connections (webhooks: a receiver may see any delivery more than once).
 */
function staleConnection(error: unknown): boolean {
  if (error instanceof errors.SocketError) return (error.socket?.bytesRead ?? 0) > 0;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** The caller's headers, with the policy's User-Agent unless the caller set one (in any case: undici would send both). */
function withUserAgent(headers: Readonly<Record<string, string>> | undefined, userAgent: string): Record<string, string> {
  if (headers === undefined) return { 'user-agent': userAgent };
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'user-agent') return { ...headers };
  return { 'user-agent': userAgent, ...headers };
}

/** A reused connection the peer had closed before the request was read: safe to send again. */
class StaleConnection extends Error {}
