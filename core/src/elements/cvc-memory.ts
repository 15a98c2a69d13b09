import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';

/** How long a token's CVC is kept in memory; the token itself expires at the same time. */
export const CARD_TOKEN_TTL_MS = 10 * 60_000;

/**
 * The CVC of each unspent card token, in this process's memory only, never written
 * anywhere (database, log, error). PCI DSS forbids storing the CVC after
 * authorization and the card vault must not hold it even before: the gateway keeps
 * it just long enough for the shop to confirm the token (CARD_TOKEN_TTL_MS). The
 * confirm that spends the token removes it (`take`, in its transaction), so a
 * token's CVC reaches a bank at most once.
 * A token whose CVC is gone (expired, another gateway process, a restart) cannot
 * pay: the buyer types the card again (docs/embedded-fields.md).
 *
 * @example
 * ```ts
 * memory.keep('tok_...', '123');
 * memory.peek('tok_...'); // '123' (still kept)
 * memory.take('tok_...'); // '123'
 * memory.take('tok_...'); // undefined
 * ```
 */
@injectable()
export class CvcMemory {
  private readonly entries = new Map<string, { readonly cvc: string; readonly until: number }>();

  constructor(@inject(CLOCK) private readonly clock: Clock) {}

  keep(tokenId: string, cvc: string): void {
    this.sweep();
    this.entries.set(tokenId, { cvc, until: this.clock.now() + CARD_TOKEN_TTL_MS });
  }

  /**
   * Takes the CVC for a transaction that spends its token, and puts it back (with
   * its original expiry) if that transaction rolls back: a confirm that did not
   * spend the token leaves it usable.
   */
  takeFor(tokenId: string, trx: { readonly executionPromise: Promise<unknown> }): void {
    const entry = this.entries.get(tokenId);
    this.entries.delete(tokenId);
    if (entry === undefined) return;
    trx.executionPromise.then(
      () => undefined,
      () => {
        if (entry.until > this.clock.now()) this.entries.set(tokenId, entry);
      },
    );
  }

  /** The token's CVC, left in place: a confirm refused before it spends the token can be retried. */
  peek(tokenId: string): string | undefined {
    const entry = this.entries.get(tokenId);
    return entry !== undefined && entry.until > this.clock.now() ? entry.cvc : undefined;
  }

  /** The token's CVC, removed: whoever takes it is the only one to have it. */
  take(tokenId: string): string | undefined {
    const cvc = this.peek(tokenId);
    this.entries.delete(tokenId);
    return cvc;
  }

  /** Forgets expired CVCs, so memory is bounded by the tokens of the last TTL. */
  private sweep(): void {
    const now = this.clock.now();
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
  }
}
