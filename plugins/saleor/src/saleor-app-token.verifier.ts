import { OutboundHttpClient } from '@tender/core';
import { SaleorStore } from './saleor-signature.verifier';

/** The query Saleor apps use to check an app token: it names the app the token belongs to. */
const APP_ID_QUERY = '{ app { id } }';
export interface SaleorAppTokenVerifierOptions {
  /** The gateway's outbound client (`ctx.outbound`): address checks at connect time, no redirects, bounded answers. */
  readonly client: OutboundHttpClient;
}

/**
 * Asks a Saleor store whether an app token is one it issued, the way Saleor's app SDK
 * does at install (`getAppId`): the token calls the store's GraphQL API with
 * `{ app { id } }`; the store answers the app's id for its own tokens and `app: null`
 * (or an error) for any other. Only a caller who installed the app in that store holds
 * such a token.
 *
 * This is the register route's one outbound call. It goes through the gateway's
 * guarded outbound client (purpose `platform_api`), like the JWKS fetch and the
 * reporter: the store's address is checked again when the connection is made.
 *
 * @example
 * ```ts
 * const appId = await new SaleorAppTokenVerifier({ client: ctx.outbound }).appId({ saleorApiUrl: 'https://shop.example/graphql/', livemode: false }, authToken);
 * if (appId === undefined) refuse();
 * ```
 */
export class SaleorAppTokenVerifier {
  constructor(private readonly options: SaleorAppTokenVerifierOptions) {}

  /** The app id the store gives for this token, or undefined when it does not accept it (or cannot be asked). */
  async appId(store: SaleorStore, token: string): Promise<string | undefined> {
    try {
      const response = await this.options.client.request({
        purpose: 'platform_api',
        livemode: store.livemode,
        url: store.saleorApiUrl,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: APP_ID_QUERY }),
      });
      if (response.status !== 200) return undefined;
      const id = (response.json() as { data?: { app?: { id?: unknown } | null } } | undefined)?.data?.app?.id;
      return typeof id === 'string' && id !== '' && id.length <= 200 ? id : undefined;
    } catch {
      return undefined;
    }
  }
}
