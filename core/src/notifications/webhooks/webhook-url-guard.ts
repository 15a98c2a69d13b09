import dns from 'node:dns';
import { LookupFunction, isIP } from 'node:net';
import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { TenderError } from '../../errors/tender-error';
import { isForbiddenAddress } from './forbidden-addresses';

/**
 * Server-side request forgery guard for webhook URLs. A merchant chooses where the
 * gateway sends POSTs, so a URL must not make the gateway call itself, its private
 * network or a cloud metadata service. Checked when an endpoint is created (literal
 * IPs and every address the name resolves to) and again at every delivery, through
 * `lookup`, on the very addresses the socket connects to, so a DNS answer that
 * changes after registration (rebinding) is caught too.
 *
 * Private targets are allowed only for test-mode endpoints and only with
 * `TENDER_WEBHOOKS_ALLOW_PRIVATE=true` (local development, Tender's own tests).
 *
 * @example
 * ```ts
 * await guard.checkRegistration('https://shop.example/hooks', { livemode: true });
 * ```
 */
@injectable()
export class WebhookUrlGuard {
  private readonly gatewayHost: string;

  constructor(@inject(CONFIG) private readonly config: TenderConfig) {
    this.gatewayHost = new URL(config.publicUrl).hostname.toLowerCase();
  }

  /** Throws the TenderError a registration of this URL gets, or returns the parsed URL. */
  async checkRegistration(raw: string, mode: { livemode: boolean }): Promise<URL> {
    const url = this.checkSyntax(raw, mode);
    if (this.allowsPrivate(mode) || isIP(bareHost(url)) !== 0) return url;
    let addresses: dns.LookupAddress[];
    try {
      addresses = await dns.promises.lookup(bareHost(url), { all: true, verbatim: true });
    } catch {
      throw new TenderError('webhook_url_unresolvable', { param: 'url', message: `The host ${bareHost(url)} does not resolve.` });
    }
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad !== undefined) {
      throw new TenderError('webhook_url_private_address', { param: 'url', message: `The host ${bareHost(url)} resolves to ${bad.address}, a private or reserved address.` });
    }
    return url;
  }

  /** Scheme, self and literal-address checks: everything that needs no DNS. */
  checkSyntax(raw: string, mode: { livemode: boolean }): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new TenderError('parameter_invalid', { param: 'url', message: 'Invalid url: must be an absolute URL.' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TenderError('webhook_url_scheme_unsupported', { param: 'url', message: `Webhook URLs must use http or https, not ${url.protocol.replace(/:$/, '')}.` });
    }
    if (url.username !== '' || url.password !== '') {
      throw new TenderError('parameter_invalid', { param: 'url', message: 'Invalid url: credentials in the URL are not accepted.' });
    }
    const host = bareHost(url).toLowerCase();
    if (host === this.gatewayHost) {
      throw new TenderError('webhook_url_points_to_gateway', { param: 'url', message: 'A webhook URL cannot point at this gateway.' });
    }
    if (!this.allowsPrivate(mode) && isForbiddenAddress(host)) {
      throw new TenderError('webhook_url_private_address', { param: 'url', message: `${host} is a private, loopback or reserved address.` });
    }
    return url;
  }

  allowsPrivate(mode: { livemode: boolean }): boolean {
    return !mode.livemode && this.config.notifications.webhooksAllowPrivate;
  }

  /** A `lookup` for http.request that refuses forbidden addresses at connection time. */
  lookupFor(mode: { livemode: boolean }): LookupFunction {
    const allowPrivate = this.allowsPrivate(mode);
    const lookup = (hostname: string, options: dns.LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void): void => {
      dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
        if (error !== null) return callback(error, '');
        const bad = allowPrivate ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
        if (bad !== undefined) return callback(new ForbiddenAddressError(hostname, bad.address), '');
        if (options.all === true) return callback(null, addresses);
        const first = addresses[0];
        if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        return callback(null, first.address, first.family);
      });
    };
    return lookup as LookupFunction;
  }
}

export class ForbiddenAddressError extends Error {
  readonly code = 'EFORBIDDENADDRESS';
  constructor(host: string, address: string) {
    super(`${host} resolved to ${address}, a private or reserved address; not sent`);
  }
}

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}
