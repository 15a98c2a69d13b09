import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { KEY_RING, KeyRing } from '../vault/key-ring';
import { Branding, islandCss } from '../branding/branding';
import { Payment } from '../payments/payment';
import { AccountFormState } from './account-page-option';
import { CardFormContext, PageContext, PaymentIslandFrame } from './page-context';

/** What the island shows again after a refused post: the card form's errors and name, or the account form's refusal. */
export interface IslandState {
  readonly form?: Partial<CardFormContext>;
  readonly account?: AccountFormState;
}

/**
 * The payment form island: the gateway-owned part of the payment page. The card
 * form (and the account option) is a document of its own, `/pay/<token>/fields`,
 * framed by the payment page; it carries its own strict CSP (no images or anything
 * else from elsewhere, scripts only the gateway's) and none of the merchant's
 * markup or CSS. Its forms post to the page's parent (`target="_parent"`), so a
 * buyer without JavaScript pays exactly as before: the POST answers with a redirect
 * to the payment page, or (field errors, 422) with the payment page whose island
 * URL carries the errors sealed, so the island can show them.
 *
 * The sealed state (AES-256-GCM under a key derived from the master key, bound to
 * the payment, 30 minutes) holds the name on the card and the typed account number
 * at most: never a card number or CVC, which the buyer types again.
 *
 * @example
 * ```ts
 * const frame = island.frameFor(payment, 'Card details', { form: { errors: { cvc: '...' } } }, false);
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

  /** The payment page's frame of the island; `tall` when it holds the account option too. */
  frameFor(payment: Payment, title: string, state: IslandState, tall: boolean): PaymentIslandFrame {
    const sealed = state.form === undefined && state.account === undefined ? '' : `?state=${this.seal(payment.id, state)}`;
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
    const body = Buffer.concat([cipher.update(JSON.stringify({ e: this.clock.now() + PaymentIsland.STATE_TTL_MS, s: islandState(state) }), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }
}

/** Only the fields the island shows, as strings: nothing else is sealed or trusted back. */
function islandState(s: IslandState): IslandState {
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, 500) : undefined);
  const out: { form?: Partial<CardFormContext>; account?: AccountFormState } = {};
  if (s.form !== undefined) {
    const errors = s.form.errors ?? {};
    out.form = {
      holder_name: text(s.form.holder_name) ?? '',
      errors: { number: text(errors.number), expiry: text(errors.expiry), cvc: text(errors.cvc), name: text(errors.name) },
      alert: text(s.form.alert) ?? null,
      alert_title: text(s.form.alert_title) ?? null,
    };
  }
  if (s.account !== undefined) out.account = { number: text(s.account.number) ?? '', error: text(s.account.error) ?? '', errorCode: text(s.account.errorCode) ?? '' };
  return out;
}
