/** The query Saleor apps use to check an app token: it names the app the token belongs to. */
const APP_ID_QUERY = '{ app { id } }';
/** An answer to that query is a few hundred bytes; anything far larger is not Saleor. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface SaleorAppTokenVerifierOptions {
  readonly fetch?: typeof fetch;
}

/**
 * Asks a Saleor store whether an app token is one it issued, the way Saleor's app SDK
 * does at install (`getAppId`): the token calls the store's GraphQL API with
 * `{ app { id } }`; the store answers the app's id for its own tokens and `app: null`
 * (or an error) for any other. Only a caller who installed the app in that store holds
 * such a token.
 *
 * This is the register route's one outbound call (the store URL was checked against
 * private and own addresses when it was declared). It uses the plugin's fetch, like
 * the JWKS fetch and the reporter, so the gateway's guarded outbound client can be put
 * in its place in one spot.
 *
 * @example
 * ```ts
 * const appId = await new SaleorAppTokenVerifier().appId('https://shop.example/graphql/', authToken);
 * if (appId === undefined) refuse();
 * ```
 */
export class SaleorAppTokenVerifier {
  private readonly fetchImpl: typeof fetch;

  constructor(options: SaleorAppTokenVerifierOptions = {}) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The app id the store gives for this token, or undefined when it does not accept it (or cannot be asked). */
  async appId(saleorApiUrl: string, token: string): Promise<string | undefined> {
    try {
      const response = await this.fetchImpl(saleorApiUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: APP_ID_QUERY }),
        signal: AbortSignal.timeout(10_000),
        redirect: 'error',
      });
      if (response.status !== 200) return undefined;
      const text = await response.text();
      if (text.length > MAX_ANSWER_BYTES) return undefined;
      const id = (JSON.parse(text) as { data?: { app?: { id?: unknown } | null } }).data?.app?.id;
      return typeof id === 'string' && id !== '' && id.length <= 200 ? id : undefined;
    } catch {
      return undefined;
    }
  }
}
