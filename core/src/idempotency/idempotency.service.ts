import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database, isUniqueViolation } from '../db/database';
import { TenderError } from '../errors/tender-error';
import { KEY_RING, KeyRing } from '../vault/key-ring';
import { MerchantContext } from '../merchants/merchant-context';

export interface StoredResponse {
  readonly status: number;
  readonly body: string;
  readonly replayed: boolean;
}

/** How long a request may hold its key before another may take it over (the first is presumed dead). */
const LOCK_MS = 60_000;

/**
 * Idempotency-Key handling for every POST, per merchant and mode.
 *
 * The first request with a key claims it (a unique row); its successful response is
 * stored and replayed, status and body, to every later request with the same key
 * and the same request. The same key with a different request is refused with
 * `idempotency_key_reused`; while the first is still running, `idempotency_key_in_use`.
 * An error response releases the key: errors change nothing, so a retry is safe and
 * may succeed (as Stripe does for requests that failed validation or conflicted).
 * Requests are compared by a keyed hash, because a body may carry card data.
 *
 * @example
 * ```ts
 * const response = await idempotency.run(ctx, key, ['POST', '/v1/payments', body], async () => ({ status: 201, body: JSON.stringify(view) }));
 * ```
 */
@injectable()
export class IdempotencyService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(KEY_RING) private readonly keys: KeyRing,
  ) {}

  static validateKey(key: string): void {
    if (key.length < 1 || key.length > 255 || !/^[\x21-\x7E]+$/.test(key)) throw new TenderError('idempotency_key_invalid');
  }

  async run(
    ctx: MerchantContext,
    key: string | undefined,
    request: readonly string[],
    handler: () => Promise<{ status: number; body: string }>,
  ): Promise<StoredResponse> {
    if (key === undefined) return { ...(await handler()), replayed: false };
    IdempotencyService.validateKey(key);
    const fingerprint = this.keys.requestFingerprint(request);
    const seq = await this.claim(ctx, key, fingerprint);
    if (typeof seq !== 'number') return seq;
    let response: { status: number; body: string };
    try {
      response = await handler();
    } catch (error) {
      await this.db('idempotency_keys').where({ seq }).delete();
      throw error;
    }
    if (response.status >= 400) {
      await this.db('idempotency_keys').where({ seq }).delete();
    } else {
      await this.db('idempotency_keys').where({ seq }).update({ status: 'done', response_status: response.status, response_body: response.body });
    }
    return { ...response, replayed: false };
  }

  /** Claims the key (returns its row's seq) or answers from an earlier request. */
  private async claim(ctx: MerchantContext, key: string, fingerprint: string): Promise<number | StoredResponse> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      try {
        const [seq] = await this.db('idempotency_keys').insert({
          merchant_id: ctx.merchantId,
          livemode: ctx.livemode,
          idem_key: key,
          fingerprint,
          status: 'in_progress',
          locked_until: now + LOCK_MS,
          created_at: now,
        });
        if (typeof seq === 'number' && seq > 0) return seq;
        const row = await this.db('idempotency_keys').select('seq').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, idem_key: key }).first();
        if (row === undefined) throw new Error('idempotency key row missing right after its insert');
        return Number(row.seq);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const row = await this.db('idempotency_keys').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, idem_key: key }).first();
      if (row === undefined) continue; // released meanwhile; try to claim again
      if (Number(row.created_at) < now - this.config.idempotencyTtlMs) {
        await this.db('idempotency_keys').where({ seq: row.seq }).delete();
        continue;
      }
      if (row.fingerprint !== fingerprint) throw new TenderError('idempotency_key_reused');
      if (row.status === 'done') return { status: Number(row.response_status), body: String(row.response_body), replayed: true };
      if (Number(row.locked_until) > now) throw new TenderError('idempotency_key_in_use');
      // The request that held it is presumed dead; take it over if nobody else did.
      const taken = await this.db('idempotency_keys')
        .where({ seq: row.seq, locked_until: row.locked_until })
        .update({ locked_until: now + LOCK_MS });
      if (taken === 1) return Number(row.seq);
    }
    throw new TenderError('idempotency_key_in_use');
  }

  /** Forgets keys older than the retention period; called by the maintenance loop. */
  async purgeExpired(limit = 1000): Promise<number> {
    const cutoff = this.clock.now() - this.config.idempotencyTtlMs;
    const rows = await this.db('idempotency_keys').select('seq').where('created_at', '<', cutoff).limit(limit);
    if (rows.length === 0) return 0;
    return this.db('idempotency_keys')
      .whereIn(
        'seq',
        rows.map((r: { seq: number }) => r.seq),
      )
      .delete();
  }
}
