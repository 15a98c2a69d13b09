import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Queryable } from '../db/database';
import { causalFirst } from '../db/causal-read';
import { newId, randomToken } from '../ids/ids';
import { TenderError } from '../errors/tender-error';
import { MerchantContext } from './merchant-context';
import { STANDING_COLUMNS, standingFromRow } from './merchant-standing';

export type ApiKeyKind = 'secret' | 'publishable';

export interface AuthenticatedKey extends MerchantContext {
  readonly keyId: string;
  readonly kind: ApiKeyKind;
  /**
   * The merchant's standing as read with the key (one joined lookup per request):
   * MerchantStanding decides from it instead of reading the merchant again.
   * Undefined when the merchant row is missing.
   */
  readonly standing?: MerchantStandingFacts;
}

/** What MerchantStanding needs to know about a merchant to let a request through. */
export interface MerchantStandingFacts {
  readonly stage: string;
  readonly liveAt: number | undefined;
  readonly testModeExpiresAt: number | undefined;
}

/**
 * API keys. A secret key is shown once, at creation, and stored only as a SHA-256
 * hash: keys are 190 random bits, so a fast hash is enough (no password stretching
 * needed) and lets every request find its key with one indexed lookup.
 *
 * @example
 * ```ts
 * const { key } = await apiKeys.issue(trx, { merchantId, livemode: false, kind: 'secret' });
 * // key = 'sk_test_...'; only its hash is in the database
 * const who = await apiKeys.authenticate(key);
 * ```
 */
@injectable()
export class ApiKeyService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async issue(q: Queryable, input: { merchantId: string; livemode: boolean; kind: ApiKeyKind; label?: string }): Promise<{ id: string; key: string }> {
    const prefix = `${input.kind === 'secret' ? 'sk' : 'pk'}_${input.livemode ? 'live' : 'test'}_`;
    const key = `${prefix}${randomToken(32)}`;
    const id = newId('key');
    await q('api_keys').insert({
      id,
      merchant_id: input.merchantId,
      livemode: input.livemode,
      kind: input.kind,
      key_hash: hashKey(key),
      display: `${prefix}...${key.slice(-4)}`,
      label: input.label ?? null,
      created_at: this.clock.now(),
    });
    return { id, key };
  }

  /** The merchant and mode a key belongs to; a 401 for anything unknown, revoked or expired. */
  async authenticate(key: string): Promise<AuthenticatedKey> {
    if (!/^(sk|pk)_(test|live)_[0-9A-Za-z]{20,64}$/.test(key)) throw new TenderError('api_key_invalid');
    // The merchant's standing comes with the key in one statement: every API request
    // needs both, and this is the hot path (docs/performance.md).
    // The request's first read: on a Galera cluster it waits for writes committed through other nodes (causal-read.ts).
    const [row] = await causalFirst(
      this.db,
      this.db('api_keys as k')
        .leftJoin('merchants as m', 'm.id', 'k.merchant_id')
        .where({ 'k.key_hash': hashKey(key) })
        .select('k.id', 'k.merchant_id', 'k.livemode', 'k.kind', 'k.revoked_at', 'k.expires_at', ...STANDING_COLUMNS.map((c) => `m.${c}`))
        .limit(1),
    );
    const now = this.clock.now();
    if (row === undefined || row.revoked_at !== null || (row.expires_at !== null && Number(row.expires_at) <= now)) {
      throw new TenderError('api_key_invalid');
    }
    return {
      keyId: String(row.id),
      merchantId: String(row.merchant_id),
      livemode: Boolean(row.livemode),
      kind: row.kind as ApiKeyKind,
      ...(row.stage === null || row.stage === undefined ? {} : { standing: standingFromRow(row) }),
    };
  }
}

/** An API key as listed: never the key itself, only its last four characters. */
export interface ApiKeyView {
  id: string;
  object: 'api_key';
  livemode: boolean;
  kind: ApiKeyKind;
  label: string | null;
  display: string;
  created_at: string;
  /** Set while a rolled key is still accepted, or after revocation. */
  expires_at: string | null;
  revoked_at: string | null;
}

export function apiKeyView(row: Record<string, unknown>): ApiKeyView {
  const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
  return {
    id: String(row.id),
    object: 'api_key',
    livemode: Boolean(row.livemode),
    kind: row.kind as ApiKeyKind,
    label: row.label === null || row.label === undefined ? null : String(row.label),
    display: String(row.display),
    created_at: new Date(Number(row.created_at)).toISOString(),
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
  };
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
