import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { KEY_RING, KeyRing } from '../vault/key-ring';
import { Branding, islandCss } from '../branding/branding';
import { Payment } from '../payments/payment';
import { PageContext, PaymentIslandFrame } from './page-context';

/**
 * What the island shows again after a refused post, for the one method whose part
 * was posted: the values it keeps (PaymentMethodPage.keep), field errors and an
 * alert (localized), and the catalogue code it shows.
 */
export interface IslandState {
  readonly method?: string;
  readonly values?: Readonly<Record<string, string>>;
  readonly errors?: Readonly<Record<string, string>>;
  readonly alert?: string;
  readonly code?: string;
}

/**
 * The payment form island: the gateway-owned part of the payment page. The payment
 * methods' parts (the card form, and any a plugin adds: MethodPages) are a document of its own, `/pay/<token>/fields`,
 * framed by the payment page; it carries its own strict CSP (no images or anything
 * else from elsewhere, scripts only the gateway's) and none of the merchant's
 * markup or CSS. Its forms post to the page's parent (`target="_parent"`), so a
 * buyer without JavaScript pays exactly as before: the POST answers with a redirect
 * to the payment page, or (field errors, 422) with the payment page whose island
 * URL carries the errors sealed, so the island can show them.
 *
 * The sealed state (AES-256-GCM under a key derived from the master key, bound to
 * the payment, 30 minutes) holds what a method keeps (the name on the card, a typed
 * account number) and the errors shown: never a card number or CVC, which the buyer
 * types again (the card method keeps neither).
 *
 * @example
 * ```ts
 * const frame = island.frameFor(payment, 'Payment details', { method: 'card', errors: { cvc: '...' } }, false);
 * const state = island.stateOf(payment, req.query.state); // {} when missing, foreign or expired
 * ```
 */
@injectable()
export class PaymentIsland {
  static readonly STATE_TTL_MS = 30 * 60_000;
  private readonly key: Buffer;

  constructor(
    @inject(KEY_RING) keys: KeyRing,
    @inject(CLOCK) private readonly clock: Clock,
  ) {
    const key = keys.derivedKey('tender/page-island-state/v1');
    if (key === undefined) throw new Error('the current master key is missing from the key ring');
    this.key = key;
  }

  /** The payment page's frame of the island; `tall` when it holds more than one method's part. */
  frameFor(payment: Payment, title: string, state: IslandState, tall: boolean): PaymentIslandFrame {
    const sealed = state.method === undefined ? '' : `?state=${this.seal(payment.id, state)}`;
    return { src: `/pay/${payment.pageToken}/fields${sealed}`, title, tall };
  }

  /** The island's own document context: the theme's variables of the branding, never the merchant's CSS. */
  documentContext(base: PageContext, branding: Branding, parts: Partial<PageContext>): PageContext {
    return { ...base, ...parts, brand_css: islandCss(branding), island_doc: true, script: 'card-form.js' };
  }

  stateOf(payment: Payment, sealed: unknown): IslandState {
    if (typeof sealed !== 'string' || sealed.length > 4000 || !/^[A-Za-z0-9_-]+$/.test(sealed)) return {};
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(payment.id));
      decipher.setAuthTag(raw.subarray(12, 28));
      const json = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as { e: number; s: IslandState };
      return json.e > this.clock.now() ? islandState(json.s) : {};
    } catch {
      return {};
    }
  }

  private seal(paymentId: string, state: IslandState): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(paymentId));
    const body = Buffer.concat([
      cipher.update(JSON.stringify({ e: this.clock.now() + PaymentIsland.STATE_TTL_MS, s: islandState(state) }), 'utf8'),
      cipher.final(),
    ]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }
}

/** Only what the island shows, as short strings: nothing else is sealed or trusted back. */
function islandState(s: IslandState): IslandState {
  if (typeof s.method !== 'string') return {};
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, 500) : undefined);
  const map = (m: unknown): Record<string, string> => {
    const out: Record<string, string> = {};
    if (m === null || typeof m !== 'object') return out;
    for (const [k, v] of Object.entries(m).slice(0, 20)) if (/^[a-z][a-z0-9_]{0,39}$/.test(k) && typeof v === 'string') out[k] = v.slice(0, 500);
    return out;
  };
  const alert = text(s.alert);
  const code = text(s.code);
  return {
    method: s.method.slice(0, 40),
    values: map(s.values),
    errors: map(s.errors),
    ...(alert === undefined ? {} : { alert }),
    ...(code === undefined ? {} : { code }),
  };
}
