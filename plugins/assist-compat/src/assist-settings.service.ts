import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import {
  CLOCK,
  Clock,
  DATABASE,
  Database,
  KEY_RING,
  KeyRing,
  MerchantContext,
  MerchantService,
  OutboundHttpClient,
  OutboundRefusal,
  TenderError,
  fields,
  textRule,
  inTransaction,
  isUniqueViolation,
  notFound,
} from '@tender/core';
import { hashPassword, openSalt, passwordMatches, sealSalt } from './assist-secrets';
import { AssistLimitsInput, AssistMerchantLimits, DEFAULT_LIMITS, assistLimitsSchema, currenciesOf, hostsOf, limitsRow } from './assist-merchant-limits';

/** PUT /admin/v1/merchants/:id/assist: the whole setting, secrets included (they are never read back). */
export const assistSettingsSchema = z
  .object({
    assist_merchant_id: z.coerce.number().int().min(1).max(999_999_999_999),
    salt: z.string().min(1).max(200).superRefine(textRule('line')),
    login: z.string().regex(/^[A-Za-z0-9_]{3,40}$/, 'must be 3-40 Latin letters, digits or _'),
    password: z.string().min(8).max(200),
    result_url: fields.httpUrl.nullable().default(null),
    testmode: z.boolean().default(true),
    checkvalue_required: z.boolean().default(true),
    enabled: z.boolean().default(true),
  })
  .merge(assistLimitsSchema)
  .strict();

export type AssistSettingsInput = z.output<typeof assistSettingsSchema>;

/** The settings as the operator and the merchant read them: no SALT, no password. */
export interface AssistSettingsView {
  object: 'assist_settings';
  merchant_id: string;
  assist_merchant_id: number;
  enabled: boolean;
  testmode: boolean;
  checkvalue_required: boolean;
  login: string;
  result_url: string | null;
  /** The currencies order.cfm, payrequest.cfm and rp.cfm accept for this merchant. */
  currencies: string[];
  /** The hosts URL_RETURN, URL_RETURN_OK and URL_RETURN_NO may point to (`*.` for subdomains). */
  return_url_hosts: string[];
  created_at: string;
  updated_at: string;
}

/** An enabled Assist merchant, with its SALT in clear, for one request. */
export interface AssistMerchant extends MerchantContext, AssistMerchantLimits {
  readonly assistMerchantId: string;
  readonly salt: string;
  readonly checkvalueRequired: boolean;
  readonly resultUrl: string | null;
}

/**
 * Which Tender merchant answers to which Assist Merchant_ID, with its secret word and
 * API credentials. The result URL is checked when it is set with the outbound
 * client's rules (no private, reserved or own addresses, every resolved address), as
 * webhook URLs are, and again at every push.
 *
 * @example
 * ```ts
 * await settings.put('mer_...', { assist_merchant_id: 123456, salt: 'secret', login: 'shop_api', password: 'p4ssw0rd!', ... });
 * const merchant = await settings.findEnabled('123456');
 * ```
 */
@injectable()
export class AssistSettingsService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(KEY_RING) private readonly keys: KeyRing,
    @inject(MerchantService) private readonly merchants: MerchantService,
    @inject(OutboundHttpClient) private readonly outbound: OutboundHttpClient,
  ) {}

  async put(merchantId: string, input: AssistSettingsInput): Promise<AssistSettingsView> {
    await this.merchants.retrieve(merchantId);
    if (input.result_url !== null) await this.checkResultUrl(input.result_url, !input.testmode);
    const now = this.clock.now();
    const sealed = sealSalt(this.keys, merchantId, input.salt);
    const row = {
      assist_merchant_id: input.assist_merchant_id,
      enabled: input.enabled,
      livemode: !input.testmode,
      checkvalue_required: input.checkvalue_required,
      salt_key_version: sealed.keyVersion,
      salt_iv: sealed.iv,
      salt_tag: sealed.tag,
      salt_ciphertext: sealed.ciphertext,
      login: input.login,
      password_hash: await hashPassword(input.password),
      result_url: input.result_url,
      ...limitsRow(input),
      updated_at: now,
    };
    try {
      await inTransaction(this.db, async (trx) => {
        const updated = await trx('assist_merchants').where({ merchant_id: merchantId }).update(row);
        if (updated === 0) {
          // Only what happens from now on is pushed, not the merchant's history.
          const last = await trx('events').max({ seq: 'seq' }).first();
          await trx('assist_merchants').insert({
            ...limitsRow(DEFAULT_LIMITS),
            ...row,
            merchant_id: merchantId,
            events_after_seq: Number(last?.seq ?? 0),
            created_at: now,
          });
        }
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new TenderError('parameter_invalid', { param: 'assist_merchant_id', message: 'This Assist Merchant_ID belongs to another merchant.' });
      throw error;
    }
    return this.view(merchantId);
  }

  /**
   * PATCH: only the currencies and the return URL hosts, each replaced when given;
   * the rest (secrets included) stays as it is.
   */
  async updateLimits(merchantId: string, input: AssistLimitsInput): Promise<AssistSettingsView> {
    await this.view(merchantId);
    const patch = limitsRow(input);
    if (Object.keys(patch).length > 0)
      await this.db('assist_merchants')
        .where({ merchant_id: merchantId })
        .update({ ...patch, updated_at: this.clock.now() });
    return this.view(merchantId);
  }

  async view(merchantId: string): Promise<AssistSettingsView> {
    const row = await this.db('assist_merchants').where({ merchant_id: merchantId }).first();
    if (row === undefined) throw notFound('assist settings of merchant', merchantId);
    return {
      object: 'assist_settings',
      merchant_id: String(row.merchant_id),
      assist_merchant_id: Number(row.assist_merchant_id),
      enabled: Boolean(row.enabled),
      testmode: !row.livemode,
      checkvalue_required: Boolean(row.checkvalue_required),
      login: String(row.login),
      result_url: (row.result_url as string | null) ?? null,
      currencies: [...currenciesOf(row)],
      return_url_hosts: [...hostsOf(row)],
      created_at: new Date(Number(row.created_at)).toISOString(),
      updated_at: new Date(Number(row.updated_at)).toISOString(),
    };
  }

  /** The enabled merchant with this Merchant_ID, or undefined. */
  async findEnabled(assistMerchantId: string): Promise<AssistMerchant | undefined> {
    if (!/^\d{1,12}$/.test(assistMerchantId)) return undefined;
    const row = await this.db('assist_merchants')
      .where({ assist_merchant_id: Number(assistMerchantId), enabled: true })
      .first();
    return row === undefined ? undefined : this.toMerchant(row);
  }

  async findByMerchant(ctx: MerchantContext): Promise<AssistMerchant | undefined> {
    const row = await this.db('assist_merchants').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    return row === undefined ? undefined : this.toMerchant(row);
  }

  /** Login and password of the API calls (orderstate, charge, cancel), checked against the scrypt hash. */
  async credentialsMatch(merchant: AssistMerchant, login: string, password: string): Promise<boolean> {
    const row = await this.db('assist_merchants').where({ merchant_id: merchant.merchantId }).first();
    if (row === undefined) return false;
    // Both checks always run, so a wrong login takes as long as a wrong password.
    const passwordOk = await passwordMatches(password, String(row.password_hash));
    return passwordOk && login === String(row.login);
  }

  private async checkResultUrl(url: string, livemode: boolean): Promise<void> {
    try {
      await this.outbound.checkUrl(url, { purpose: 'merchant_push', livemode });
    } catch (error) {
      if (error instanceof OutboundRefusal) throw error.toTenderError('result_url');
      throw error;
    }
  }

  private toMerchant(row: Record<string, unknown>): AssistMerchant {
    const merchantId = String(row.merchant_id);
    return {
      merchantId,
      livemode: Boolean(row.livemode),
      assistMerchantId: String(row.assist_merchant_id),
      salt: openSalt(this.keys, merchantId, {
        keyVersion: String(row.salt_key_version),
        iv: String(row.salt_iv),
        tag: String(row.salt_tag),
        ciphertext: String(row.salt_ciphertext),
      }),
      checkvalueRequired: Boolean(row.checkvalue_required),
      resultUrl: (row.result_url as string | null) ?? null,
      currencies: currenciesOf(row),
      returnUrlHosts: hostsOf(row),
    };
  }
}
