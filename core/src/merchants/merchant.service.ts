import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { inTransaction } from '../db/transaction';
import { newId } from '../ids/ids';
import { notFound } from '../errors/tender-error';
import { ApiKeyService } from './api-keys';

/** POST /admin/v1/merchants */
export const createMerchantSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().max(320).email(),
  })
  .strict();

export type CreateMerchantInput = z.output<typeof createMerchantSchema>;

export interface MerchantView {
  id: string;
  object: 'merchant';
  name: string;
  email: string;
  mode: 'test' | 'live';
  stage: string;
  created_at: string;
}

export interface CreatedMerchant extends MerchantView {
  /** Shown once; only its hash is stored. */
  test_secret_key: string;
  test_publishable_key: string;
}

/**
 * Merchants as the operator creates them: every new merchant starts in test mode
 * with a test secret key and a test publishable key.
 */
@injectable()
export class MerchantService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ApiKeyService) private readonly apiKeys: ApiKeyService,
  ) {}

  async create(input: CreateMerchantInput): Promise<CreatedMerchant> {
    const now = this.clock.now();
    return inTransaction(this.db, async (trx) => {
      const row = { id: newId('mer'), name: input.name, email: input.email, stage: 'test', created_at: now, updated_at: now };
      await trx('merchants').insert(row);
      const secret = await this.apiKeys.issue(trx, { merchantId: row.id, livemode: false, kind: 'secret', label: 'default' });
      const publishable = await this.apiKeys.issue(trx, { merchantId: row.id, livemode: false, kind: 'publishable', label: 'default' });
      return { ...toView(row), test_secret_key: secret.key, test_publishable_key: publishable.key };
    });
  }

  async retrieve(id: string): Promise<MerchantView> {
    const row = await this.db('merchants').where({ id }).first();
    if (row === undefined) throw notFound('merchant', id);
    return toView(row);
  }

  async count(): Promise<number> {
    const row = await this.db('merchants').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}

function toView(row: Record<string, unknown>): MerchantView {
  return {
    id: String(row.id),
    object: 'merchant',
    name: String(row.name),
    email: String(row.email),
    mode: row.stage === 'live' ? 'live' : 'test',
    stage: String(row.stage),
    created_at: new Date(Number(row.created_at)).toISOString(),
  };
}
