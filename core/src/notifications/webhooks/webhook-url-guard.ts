import { inject, injectable } from 'tsyringe';
import { OutboundHttpClient } from '../../outbound/outbound-http-client';
import { OutboundRefusal } from '../../outbound/outbound-refusal';

/**
 * The registration check of a URL the gateway will call for a merchant (a webhook
 * endpoint, a Saleor store's API URL): the outbound client's rules (docs/security.md,
 * section 4), answered as API errors on `url`. The same rules run again at every
 * delivery, at connect time, in the outbound client.
 *
 * Private targets are allowed only in test mode and only with
 * `TENDER_OUTBOUND_ALLOW_PRIVATE=true` (local development, Tender's own tests).
 *
 * @example
 * ```ts
 * await guard.checkRegistration('https://shop.example/hooks', { livemode: true });
 * ```
 */
@injectable()
export class WebhookUrlGuard {
  constructor(@inject(OutboundHttpClient) private readonly outbound: OutboundHttpClient) {}

  /** Throws the TenderError a registration of this URL gets, or returns the parsed URL. */
  async checkRegistration(raw: string, mode: { livemode: boolean }): Promise<URL> {
    try {
      return await this.outbound.checkUrl(raw, { purpose: 'webhook', livemode: mode.livemode });
    } catch (error) {
      if (error instanceof OutboundRefusal) throw error.toTenderError('url');
      throw error;
    }
  }
}
