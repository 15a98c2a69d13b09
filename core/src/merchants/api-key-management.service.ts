import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Queryable, forUpdate } from '../db/database';
import { inTransaction } from '../db/transaction';
import { notFound } from '../errors/tender-error';
import { ApiKeyKind, ApiKeyService, ApiKeyView, apiKeyView } from './api-keys';
import { MerchantContext } from './merchant-context';

export interface IssuedApiKey extends ApiKeyView {
  /** The key itself: in this one response and nowhere else. */
  secret: string;
}

/**
 * A merchant's own keys: several per mode with labels, revocation, and rolling with
 * an overlap (the old key keeps working until its `expires_at`, so a shop can deploy
 * the new key without downtime). Every query filters by merchant and mode: a test
 * key lists and revokes test keys only.
 *
 * @example
 * ```ts
 * const next = await keys.roll({ merchantId, livemode: false }, 'key_...', 24 * 3600_000);
 * // next.secret is the new key; the old one stops working 24 hours from now
 * ```
 */
@injectable()
export class ApiKeyManagementService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ApiKeyService) private readonly apiKeys: ApiKeyService,
  ) {}

  async create(ctx: MerchantContext, input: { kind: ApiKeyKind; label: string | undefined }): Promise<IssuedApiKey> {
    return inTransaction(this.db, async (trx) => {
      const issued = await this.apiKeys.issue(trx, {
        merchantId: ctx.merchantId,
        livemode: ctx.livemode,
        kind: input.kind,
        ...(input.label === undefined ? {} : { label: input.label }),
      });
      const row = await trx('api_keys').where({ id: issued.id }).first();
      return { ...apiKeyView(requireRow(row)), secret: issued.key };
    });
  }

  async list(ctx: MerchantContext): Promise<ApiKeyView[]> {
    const rows = await this.db('api_keys')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .whereNull('revoked_at')
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    const now = this.clock.now();
    return rows.filter((r) => r.expires_at === null || Number(r.expires_at) > now).map(apiKeyView);
  }

  async revoke(ctx: MerchantContext, id: string): Promise<ApiKeyView> {
    return inTransaction(this.db, async (trx) => {
      const row = await this.lockLive(trx, ctx, id);
      await trx('api_keys').where({ id: row.id }).update({ revoked_at: this.clock.now() });
      return apiKeyView(requireRow(await trx('api_keys').where({ id: row.id }).first()));
    });
  }

  /** A new key of the same kind and label; the old one expires after `overlapMs` (0: at once). */
  async roll(ctx: MerchantContext, id: string, overlapMs: number): Promise<{ key: IssuedApiKey; previous: ApiKeyView }> {
    return inTransaction(this.db, async (trx) => {
      const old = await this.lockLive(trx, ctx, id);
      const now = this.clock.now();
      const expiresAt = now + overlapMs;
      // A key already due to expire sooner keeps its earlier end.
      if (old.expires_at === null || Number(old.expires_at) > expiresAt) await trx('api_keys').where({ id: old.id }).update({ expires_at: expiresAt });
      const issued = await this.apiKeys.issue(trx, {
        merchantId: ctx.merchantId,
        livemode: ctx.livemode,
        kind: old.kind as ApiKeyKind,
        ...(old.label === null ? {} : { label: String(old.label) }),
      });
      const row = await trx('api_keys').where({ id: issued.id }).first();
      return {
        key: { ...apiKeyView(requireRow(row)), secret: issued.key },
        previous: apiKeyView(requireRow(await trx('api_keys').where({ id: old.id }).first())),
      };
    });
  }

  /** True when the merchant has a usable secret key in this mode. */
  async hasActiveSecretKey(ctx: MerchantContext): Promise<boolean> {
    return (await this.list(ctx)).some((k) => k.kind === 'secret');
  }

  private async lockLive(
    trx: Queryable,
    ctx: MerchantContext,
    id: string,
  ): Promise<Record<string, unknown> & { id: string; label: string | null; kind: string; expires_at: number | null }> {
    const row = await forUpdate(trx, trx('api_keys').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode })).first();
    if (row === undefined || row.revoked_at !== null || (row.expires_at !== null && Number(row.expires_at) <= this.clock.now())) throw notFound('api key', id);
    return row;
  }
}

/** A key row this transaction has just written or locked: missing means a broken invariant. */
function requireRow<T>(row: T | undefined): T {
  if (row === undefined) throw new Error('api key row missing inside its own transaction');
  return row;
}
