import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, isUniqueViolation } from '../db/database';
import { KEY_RING, KeyRing } from '../vault/key-ring';

/**
 * One-time form tokens for the hosted pages: every rendered form carries a fresh
 * token, and a POST is accepted only if it presents a valid, unused one for the same
 * payment (or link). That is the CSRF protection (another site cannot read the token
 * out of our page) and the first guard against a double submit: the second POST of
 * the same form finds its token used. The payment state machine's 409 is the second
 * guard.
 *
 * A token is stateless until it is used: a random nonce, its expiry and an HMAC over
 * both and the scope, under a key derived from the master key, so any gateway process
 * can check a form another one rendered. Showing a page therefore writes nothing (a
 * page view used to be an INSERT and a commit; docs/performance.md). Using a token
 * records its hash in `page_form_tokens`, whose primary key makes the second use fail
 * on every process at once.
 *
 * @example
 * ```ts
 * const token = formTokens.issue(payment.id);
 * await formTokens.consume(payment.id, req.body.form_token); // true once, then false
 * ```
 */
@injectable()
export class FormTokenService {
  /** Long enough to type a card number slowly; short enough that old tabs cannot submit. */
  static readonly TTL_MS = 60 * 60_000;

  private readonly key: Buffer;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(KEY_RING) keys: KeyRing,
  ) {
    const key = keys.derivedKey('tender/page-form-token/v1');
    if (key === undefined) throw new Error('the current master key is missing from the key ring');
    this.key = key;
  }

  /** A token for `scope` (a payment or link id): 32 hex nonce + 12 hex expiry + 32 hex MAC. */
  issue(scope: string): string {
    const nonce = randomBytes(16).toString('hex');
    const expires = (this.clock.now() + FormTokenService.TTL_MS).toString(16).padStart(12, '0');
    return `${nonce}${expires}${this.mac(scope, nonce, expires)}`;
  }

  /** True exactly once per token, and only for its scope and before it expires. */
  async consume(scope: string, token: unknown): Promise<boolean> {
    if (typeof token !== 'string' || !/^[0-9a-f]{76}$/.test(token)) return false;
    const nonce = token.slice(0, 32);
    const expires = token.slice(32, 44);
    const presented = Buffer.from(token.slice(44), 'hex');
    if (!timingSafeEqual(presented, Buffer.from(this.mac(scope, nonce, expires), 'hex'))) return false;
    const expiresAt = parseInt(expires, 16);
    const now = this.clock.now();
    if (expiresAt <= now) return false;
    try {
      await this.db('page_form_tokens').insert({ token_hash: hash(token), scope, expires_at: expiresAt, used_at: now, created_at: now });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Drops the record of used tokens that have expired (they fail on their expiry now). */
  async purgeExpired(): Promise<number> {
    return this.db('page_form_tokens').where('expires_at', '<', this.clock.now()).delete();
  }

  private mac(scope: string, nonce: string, expires: string): string {
    return createHmac('sha256', this.key).update(`${scope}\n${nonce}\n${expires}`).digest('hex').slice(0, 32);
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
