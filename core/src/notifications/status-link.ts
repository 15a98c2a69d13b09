import { timingSafeEqual } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { KEY_RING, KeyRing } from '../vault/key-ring';

/**
 * The buyer's link to a payment's status page: `<public URL>/status/<payment id>.<mac>`.
 * The MAC (keyed by the master key) makes it a capability nobody can build from a
 * payment id alone, without storing a token per payment.
 *
 * @example
 * ```ts
 * links.urlFor('pay_123'); // 'https://pay.example.com/status/pay_123.Xy7...'
 * links.paymentIdOf('pay_123.Xy7...'); // 'pay_123', or undefined when forged
 * ```
 */
@injectable()
export class StatusLink {
  constructor(
    @inject(KEY_RING) private readonly keys: KeyRing,
    @inject(CONFIG) private readonly config: TenderConfig,
  ) {}

  urlFor(paymentId: string): string {
    return `${this.config.publicUrl}/status/${paymentId}.${this.keys.statusLinkMac(paymentId)}`;
  }

  paymentIdOf(token: string): string | undefined {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const id = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.keys.statusLinkMac(id));
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
  }
}
