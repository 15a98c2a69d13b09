import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Queryable } from '../db/database';
import { causalFirst } from '../db/causal-read';
import { newId, randomToken } from '../ids/ids';
import { TenderError } from '../errors/tender-error';
import { MerchantContext } from './merchant-context';
import { STANDING_COLUMNS, standingFromRow } from './merchant-standing';
import { Payment, paymentFromRow } from '../payments/payment';

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
    return (await this.lookup(key, undefined)).who;
  }

  /**
   * As `authenticate`, and in the same statement the payment `paymentId` names, if it
   * belongs to the key's merchant and mode: a confirm needs both, and this is the hot
   * path (one statement fewer per payment, docs/performance.md). The payment is joined
   * on the key's own merchant and mode, so another tenant's payment never comes back.
   *
   * @example
   * ```ts
   * const { who, payment } = await apiKeys.authenticateWithPayment(key, 'pay_...');
   * payment?.status; // undefined: no such payment for this key
   * ```
   */
  async authenticateWithPayment(key: string, paymentId: string): Promise<{ who: AuthenticatedKey; payment: Payment | undefined }> {
    return this.lookup(key, paymentId);
  }

  private async lookup(key: string, paymentId: string | undefined): Promise<{ who: AuthenticatedKey; payment: Payment | undefined }> {
    if (!/^(sk|pk)_(test|live)_[0-9A-Za-z]{20,64}$/.test(key)) throw new TenderError('api_key_invalid');
    // The merchant's standing comes with the key in one statement: every API request
    // needs both, and this is the hot path (docs/performance.md).
    // The request's first read: on a Galera cluster it waits for writes committed through other nodes (causal-read.ts).
    const query = this.db('api_keys as k')
      .leftJoin('merchants as m', 'm.id', 'k.merchant_id')
      .where({ 'k.key_hash': hashKey(key) })
      .limit(1);
    if (paymentId === undefined) query.select(...KEY_COLUMNS.map((c) => `k.${c}`), ...STANDING_COLUMNS.map((c) => `m.${c}`));
    else
      // The payment's own columns keep their names (paymentFromRow reads them); the key's and
      // the merchant's, which would collide (id, merchant_id, livemode), are renamed.
      query
        .leftJoin('payments as p', (on) => {
          on.on('p.merchant_id', 'k.merchant_id').andOn('p.livemode', 'k.livemode').andOnVal('p.id', '=', paymentId);
        })
        .select('p.*', ...KEY_COLUMNS.map((c) => `k.${c} as ${JOINED_PREFIX}${c}`), ...STANDING_COLUMNS.map((c) => `m.${c} as ${JOINED_PREFIX}${c}`));
    const [found] = await causalFirst(this.db, query);
    const row = found === undefined || paymentId === undefined ? found : unprefixed(found);
    const now = this.clock.now();
    if (row === undefined || row.revoked_at !== null || (row.expires_at !== null && Number(row.expires_at) <= now)) {
      throw new TenderError('api_key_invalid');
    }
    const who: AuthenticatedKey = {
      keyId: String(row.id),
      merchantId: String(row.merchant_id),
      livemode: Boolean(row.livemode),
      kind: row.kind as ApiKeyKind,
      ...(row.stage === null || row.stage === undefined ? {} : { standing: standingFromRow(row) }),
    };
    const payment = found === undefined || paymentId === undefined || found.id === null || found.id === undefined ? undefined : paymentFromRow(found);
    return { who, payment };
  }
}

/** The key's columns a request needs. */
const KEY_COLUMNS = ['id', 'merchant_id', 'livemode', 'kind', 'revoked_at', 'expires_at'] as const;
/** Marks the key's and the merchant's columns in the statement that also reads a payment. */
const JOINED_PREFIX = 'tender_key__';

/** The key's and the merchant's columns of a joined row, under their own names (the nine named above, nothing scanned). */
function unprefixed(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of KEY_COLUMNS) out[name] = row[`${JOINED_PREFIX}${name}`];
  for (const name of STANDING_COLUMNS) out[name] = row[`${JOINED_PREFIX}${name}`];
  return out;
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
