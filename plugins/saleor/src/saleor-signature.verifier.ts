import { JsonWebKey, KeyObject, createPublicKey, verify } from 'node:crypto';
import { OutboundHttpClient, TenderError } from '@tender/core';

/** How long a store's JWKS is trusted before it is fetched again. */
const JWKS_TTL_MS = 10 * 60_000;
/**
 * The least time between two fetches of one store's JWKS on account of an unknown key
 * id: anybody can send a signature with a made-up kid, and each must not make the
 * gateway call the store.
 */
const JWKS_MIN_REFETCH_MS = 5_000;

export interface SaleorSignatureVerifierOptions {
  /** The gateway's outbound client (`ctx.outbound`): the JWKS fetch gets its address checks and limits. */
  readonly client: OutboundHttpClient;
  /**
   * The mode of the installation behind a store API URL, when `verify` is given the
   * URL alone: a test-mode store may be on a private address if the operator allows
   * it. Unknown counts as live (strict).
   */
  readonly livemodeOf?: (saleorApiUrl: string) => Promise<boolean | undefined>;
  /** Milliseconds since the epoch; for tests. */
  readonly now?: () => number;
  readonly minRefetchMs?: number;
}

interface CachedKeys {
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly fetchedAt: number;
}

/** A store as the verifier needs it: its API URL and the mode of its installation. */
export interface SaleorStore {
  readonly saleorApiUrl: string;
  readonly livemode: boolean;
}

/**
 * Verifies Saleor's `saleor-signature` header: a detached JWS (RS256) over the raw
 * webhook body, normally with the unencoded payload of RFC 7797 (`b64: false`, as
 * Saleor signs), also accepted with the ordinary base64url payload. The keys come
 * from the store's JWKS at `<origin of the Saleor API URL>/.well-known/jwks.json`,
 * cached per store for 10 minutes. A `kid` the cache does not know fetches the JWKS
 * again (Saleor rotated its key), at most once per 5 s per store; a signature that
 * fails with a known `kid` is refused without a fetch (a rotated key has a new kid).
 * The JWKS is fetched through the outbound client (purpose `platform_api`): the
 * store's address is checked at connect time, redirects are not followed, and the
 * answer is bounded in time and size.
 *
 * @example
 * ```ts
 * const verifier = new SaleorSignatureVerifier({ client: ctx.outbound });
 * await verifier.verify(installation, rawBody, req.header('saleor-signature') ?? '');
 * ```
 */
export class SaleorSignatureVerifier {
  private readonly cache = new Map<string, CachedKeys>();
  private readonly now: () => number;
  private readonly minRefetchMs: number;

  constructor(private readonly options: SaleorSignatureVerifierOptions) {
    this.now = options.now ?? Date.now;
    this.minRefetchMs = options.minRefetchMs ?? JWKS_MIN_REFETCH_MS;
  }

  async verify(store: SaleorStore | string, rawBody: Buffer, header: string): Promise<void> {
    const saleorApiUrl = typeof store === 'string' ? store : store.saleorApiUrl;
    const parts = header.split('.');
    if (parts.length !== 3 || parts[1] !== '' || parts[0] === '' || parts[2] === '') throw invalid('saleor-signature is not a detached JWS');
    const [protectedB64, , signatureB64] = parts as [string, string, string];
    let jose: { alg?: unknown; kid?: unknown; b64?: unknown; crit?: unknown };
    try {
      jose = JSON.parse(Buffer.from(protectedB64, 'base64url').toString('utf8')) as typeof jose;
    } catch {
      throw invalid('the JWS header is not JSON');
    }
    if (jose.alg !== 'RS256') throw invalid('only RS256 is accepted');
    const unencoded = jose.b64 === false;
    if (unencoded && !(Array.isArray(jose.crit) && jose.crit.includes('b64'))) throw invalid('b64=false must be listed in crit');
    const signingInput = Buffer.concat([Buffer.from(`${protectedB64}.`, 'ascii'), unencoded ? rawBody : Buffer.from(rawBody.toString('base64url'), 'ascii')]);
    const signature = Buffer.from(signatureB64, 'base64url');
    const kid = typeof jose.kid === 'string' ? jose.kid : undefined;

    const check = (keys: ReadonlyMap<string, KeyObject>): boolean => {
      const candidates = kid !== undefined ? [keys.get(kid)].filter((k): k is KeyObject => k !== undefined) : [...keys.values()];
      return candidates.some((key) => verify('RSA-SHA256', signingInput, key, signature));
    };
    const cached = this.cache.get(saleorApiUrl);
    const age = cached === undefined ? Infinity : this.now() - cached.fetchedAt;
    if (cached !== undefined && age < JWKS_TTL_MS) {
      if (check(cached.keys)) return;
      const unknownKid = kid === undefined || !cached.keys.has(kid);
      if (!unknownKid || age < this.minRefetchMs) throw invalid('the signature does not match the body');
    }
    if (!check(await this.refresh(store))) throw invalid('the signature does not match the body');
  }

  private async refresh(store: SaleorStore | string): Promise<ReadonlyMap<string, KeyObject>> {
    const saleorApiUrl = typeof store === 'string' ? store : store.saleorApiUrl;
    const livemode = typeof store === 'string' ? ((await this.options.livemodeOf?.(store)) ?? true) : store.livemode;
    const url = new URL('/.well-known/jwks.json', saleorApiUrl);
    let body: { keys?: unknown };
    try {
      const response = await this.options.client.request({ purpose: 'platform_api', livemode, url, headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = response.json() ?? {};
    } catch {
      throw invalid(`the store's JWKS (${url.href}) could not be read`);
    }
    const keys = new Map<string, KeyObject>();
    for (const jwk of Array.isArray(body.keys) ? (body.keys as Array<JsonWebKey & { kid?: string; use?: string }>) : []) {
      if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      try {
        keys.set(jwk.kid ?? `#${keys.size}`, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // A malformed key is skipped; the others may still verify.
      }
    }
    this.cache.set(saleorApiUrl, { keys, fetchedAt: this.now() });
    return keys;
  }
}

function invalid(why: string): TenderError {
  return new TenderError('signature_invalid', { message: `The saleor-signature header was refused: ${why}.` });
}
