import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { textRule } from '../http/validation';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Queryable } from '../db/database';
import { inTransaction } from '../db/transaction';
import { newId } from '../ids/ids';
import { notFound } from '../errors/tender-error';
import { ApiKeyService } from './api-keys';
import { merchantFromRow } from './merchant.repository';
import { MerchantView, merchantView } from './merchant-view';

export type { MerchantView } from './merchant-view';

/** POST /admin/v1/merchants */
export const createMerchantSchema = z
  .object({
    name: z.string().trim().min(1).max(200).superRefine(textRule('line')),
    email: z.string().trim().max(320).email(),
  })
  .strict();

export type CreateMerchantInput = z.output<typeof createMerchantSchema>;

export interface CreatedMerchant extends MerchantView {
  /** Shown once; only its hash is stored. */
  test_secret_key: string;
  test_publishable_key: string;
}

/**
 * Merchants as the operator creates them: every new merchant starts in test mode
 * (stage `applied`) with a test secret key and a test publishable key. The operator
 * vouches for merchants it creates, so their test mode does not expire; applicants
 * through sign-up get a limited test mode (OnboardingService.apply).
 */
@injectable()
export class MerchantService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ApiKeyService) private readonly apiKeys: ApiKeyService,
  ) {}

  async create(input: CreateMerchantInput): Promise<CreatedMerchant> {
    return inTransaction(this.db, (trx) => this.createIn(trx, input, undefined));
  }

  /** Inside the caller's transaction; `testModeExpiresAt` undefined means test mode never ends. */
  async createIn(trx: Queryable, input: CreateMerchantInput, testModeExpiresAt: number | undefined): Promise<CreatedMerchant> {
    const now = this.clock.now();
    const row = {
      id: newId('mer'),
      name: input.name,
      email: input.email,
      stage: 'applied',
      test_mode_expires_at: testModeExpiresAt ?? null,
      created_at: now,
      updated_at: now,
    };
    await trx('merchants').insert(row);
    const secret = await this.apiKeys.issue(trx, { merchantId: row.id, livemode: false, kind: 'secret', label: 'default' });
    const publishable = await this.apiKeys.issue(trx, { merchantId: row.id, livemode: false, kind: 'publishable', label: 'default' });
    return { ...merchantView(merchantFromRow(row)), test_secret_key: secret.key, test_publishable_key: publishable.key };
  }

  async retrieve(id: string): Promise<MerchantView> {
    const row = await this.db('merchants').where({ id }).first();
    if (row === undefined) throw notFound('merchant', id);
    return merchantView(merchantFromRow(row));
  }

  async count(): Promise<number> {
    const row = await this.db('merchants').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
