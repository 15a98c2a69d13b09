import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { CLOCK, Clock } from '../clock/clock';
import { TenderConfig } from '../config/config';
import { CONFIG } from '../config/tokens';
import { DATABASE, Database, Transaction, isUniqueViolation } from '../db/database';
import { inTransaction } from '../db/transaction';
import { TenderError } from '../errors/tender-error';
import { AuditLog, OPERATOR_ACTOR } from '../audit/audit-log';
import { BankCatalogueService } from '../banks/bank-catalogue.service';
import { BankConnectionRepository } from '../banks/bank-connection';
import { CompanyDetailsInput } from './company-details';
import { CreatedMerchant, CreateMerchantInput, MerchantService } from './merchant.service';
import { Merchant, MerchantChanges, MerchantRepository } from './merchant.repository';
import { ActiveStage, MerchantStage, assertStageTransition, stageEventType } from './merchant-stage-machine';
import { MerchantView, merchantView } from './merchant-view';
import { ONBOARDING_NOTIFIER, OnboardingNotice, OnboardingNotifier } from './onboarding-notifier';
import { ScheduledNotices } from './onboarding-mail/scheduled-notices';

/** POST /admin/v1/merchants/:id/contract */
export const recordContractSchema = z
  .object({
    bank_merchant_id: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z ]{1,15}$/, "must be the bank's merchant id (ISO 8583 field 42: up to 15 characters)"),
    terminal_ids: z
      .array(
        z
          .string()
          .trim()
          .regex(/^[0-9A-Za-z]{1,8}$/, 'must be terminal ids (ISO 8583 field 41: up to 8 characters)'),
      )
      .min(1)
      .max(20),
    /** Omitted: every currency the bank serves. */
    currencies: z
      .array(z.string().regex(/^[A-Z]{3}$/))
      .min(1)
      .max(50)
      .optional(),
  })
  .strict();

export type RecordContractInput = z.output<typeof recordContractSchema>;

/** What the sign-up page adds to an application (OnboardingService.apply). */
export interface ApplyOptions {
  readonly locale?: 'en' | 'ru' | 'ar';
  /** An IANA zone (checked by the caller with isTimeZone). */
  readonly timeZone?: string;
  readonly within?: (trx: Transaction, merchantId: string) => Promise<void>;
}

/** Who asked for a change: the merchant itself (its API key) or an operator (the admin token or a console account), named in the audit entry. */
type Actor = 'merchant' | { readonly operator: string };

interface Change {
  readonly changes: MerchantChanges;
  /** The stage the merchant arrives in, when the change is a stage move. */
  readonly to: MerchantStage | undefined;
  readonly template: string | undefined;
  readonly mailData?: Record<string, unknown>;
  /** More to write in the change's transaction once it is made (a notice that is not a stage move). */
  readonly alsoWrite?: (trx: Transaction) => Promise<unknown>;
}

/**
 * The onboarding lifecycle, from application to live, plus suspension. Every move
 * goes through the stage machine, locks the merchant row, and in one transaction
 * writes the change, its event and (for operator actions) an audit entry; the
 * e-mail follows the commit.
 *
 * @example
 * ```ts
 * const applied = await onboarding.apply({ name: 'Shop', email: 'owner@shop.example' });
 * await onboarding.register(applied.id, details);
 * await onboarding.chooseBank(applied.id, 'alfa');
 * ```
 */
@injectable()
export class OnboardingService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(MerchantService) private readonly merchants: MerchantService,
    @inject(MerchantRepository) private readonly repo: MerchantRepository,
    @inject(BankCatalogueService) private readonly banks: BankCatalogueService,
    @inject(BankConnectionRepository) private readonly connections: BankConnectionRepository,
    @inject(AuditLog) private readonly audit: AuditLog,
    @inject(ONBOARDING_NOTIFIER) private readonly notifier: OnboardingNotifier,
    @inject(ScheduledNotices) private readonly notices: ScheduledNotices,
  ) {}

  /**
   * A public application: the merchant exists at once, in test mode for config.testModeHours.
   * `options` carries what the sign-up page asks besides: the owner's language and time
   * zone, and `within`, work that must commit or fail with the merchant (the owner's
   * dashboard account).
   */
  async apply(input: CreateMerchantInput, options: ApplyOptions = {}): Promise<CreatedMerchant> {
    const expiresAt = this.clock.now() + this.config.testModeHours * 3600_000;
    const { created, notice } = await inTransaction(this.db, async (trx) => {
      const made = await this.merchants.createIn(trx, input, expiresAt);
      const preferences: MerchantChanges = {
        ...(options.locale === undefined ? {} : { locale: options.locale }),
        ...(options.timeZone === undefined ? {} : { time_zone: options.timeZone }),
      };
      if (Object.keys(preferences).length > 0) await trx('merchants').where({ id: made.id }).update(preferences);
      await options.within?.(trx, made.id);
      const n: OnboardingNotice = {
        type: stageEventType('applied'),
        merchant: stripKeys(made),
        template: 'application',
        data: { testModeHours: this.config.testModeHours },
      };
      await this.notifier.record(trx, n);
      return { created: made, notice: n };
    });
    await this.notifier.deliver(notice);
    return created;
  }

  /** A merchant the operator creates directly: test mode without expiry (the operator vouches for it). */
  async createByOperator(input: CreateMerchantInput, by = OPERATOR_ACTOR): Promise<CreatedMerchant> {
    return inTransaction(this.db, async (trx) => {
      const made = await this.merchants.createIn(trx, input, undefined);
      await this.audit.record(trx, { actor: by, action: 'merchant.create', merchantId: made.id, objectType: 'merchant', objectId: made.id, data: input });
      return made;
    });
  }

  /** The merchant gives its company details; from now on its test mode does not expire. */
  register(merchantId: string, details: CompanyDetailsInput): Promise<MerchantView> {
    return this.change(merchantId, 'merchant', 'register', details, (m) => {
      assertStageTransition(m.stage, 'registered', 'register');
      const now = this.clock.now();
      return {
        to: 'registered',
        template: 'registered',
        changes: {
          stage: 'registered',
          test_mode_expires_at: null,
          legal_name: details.legal_name,
          tax_id: details.tax_id,
          country: details.country,
          address: details.address,
          website: details.website,
          contact_name: details.contact.name,
          contact_phone: details.contact.phone,
          registered_at: now,
        },
      };
    });
  }

  /** The merchant picks one of the banks the operator offers; the e-mail carries that bank's plan of documents. */
  async chooseBank(merchantId: string, bankCode: string): Promise<MerchantView> {
    return this.change(merchantId, 'merchant', 'choose_bank', { bank: bankCode }, async (m, trx) => {
      const bank = await this.banks.offered(trx, bankCode);
      assertStageTransition(m.stage, 'bank_chosen', 'choose a bank');
      return {
        to: 'bank_chosen',
        template: 'bank-chosen',
        mailData: { bank: { name: bank.name, requirements: bank.requirements } },
        changes: { stage: 'bank_chosen', chosen_bank_code: bank.code, bank_chosen_at: this.clock.now() },
      };
    });
  }

  /** The operator has checked the company details; a contract can be recorded only after this. */
  approve(merchantId: string, by = OPERATOR_ACTOR): Promise<MerchantView> {
    return this.change(merchantId, { operator: by }, 'merchant.approve', {}, (m) => {
      if (m.stage !== 'registered' && m.stage !== 'bank_chosen') {
        throw new TenderError(m.stage === 'suspended' ? 'merchant_suspended' : 'merchant_invalid_stage', {
          message: `Cannot approve: the merchant is in stage ${m.stage}; approval follows registration.`,
        });
      }
      return { to: undefined, template: undefined, changes: { approved_at: this.clock.now() } };
    });
  }

  /** Test mode ends `hours` after now or after its current end, whichever is later. */
  extendTestMode(merchantId: string, hours: number, by = OPERATOR_ACTOR): Promise<MerchantView> {
    return this.change(merchantId, { operator: by }, 'merchant.extend_test_mode', { hours }, (m) => {
      if (m.testModeExpiresAt === undefined) {
        throw new TenderError('merchant_invalid_stage', { message: "This merchant's test mode does not expire; there is nothing to extend." });
      }
      const until = Math.max(this.clock.now(), m.testModeExpiresAt) + hours * 3600_000;
      return {
        to: undefined,
        template: undefined,
        changes: { test_mode_expires_at: until },
        alsoWrite: (trx) => this.notices.extended(trx, merchantId, until),
      };
    });
  }

  /** The bank signed: its merchant id and terminals become the merchant's live bank connections. */
  async recordContract(merchantId: string, input: RecordContractInput, by = OPERATOR_ACTOR): Promise<MerchantView> {
    if (new Set(input.terminal_ids).size !== input.terminal_ids.length)
      throw new TenderError('parameter_invalid', { param: 'terminal_ids', message: 'A terminal id is listed twice.' });
    try {
      return await this.recordContractOnce(merchantId, input, by);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new TenderError('parameter_invalid', { param: 'terminal_ids', message: 'One of these terminal ids is already connected at this bank.' });
      throw error;
    }
  }

  private recordContractOnce(merchantId: string, input: RecordContractInput, by: string): Promise<MerchantView> {
    return this.change(merchantId, { operator: by }, 'merchant.record_contract', input, async (m, trx) => {
      assertStageTransition(m.stage, 'contract_signed', 'record a contract');
      if (m.approvedAt === undefined)
        throw new TenderError('registration_not_approved', {
          message: "Approve the merchant's registration (POST /admin/v1/merchants/:id/approve) before recording its contract.",
        });
      const bank = await this.banks.get(trx, m.chosenBankCode ?? '');
      const currencies = input.currencies ?? bank.currencies;
      const foreign = currencies.filter((c) => !bank.currencies.includes(c));
      if (foreign.length > 0)
        throw new TenderError('parameter_invalid', { param: 'currencies', message: `Bank '${bank.code}' does not serve ${foreign.join(', ')}.` });
      const now = this.clock.now();
      // One millisecond apart, so "oldest first" keeps the operator's order: the first
      // terminal listed is the one routing tries first.
      for (const [i, terminalId] of input.terminal_ids.entries()) {
        await this.connections.create(
          trx,
          {
            merchantId: m.id,
            livemode: true,
            bankCode: bank.code,
            adapterCode: bank.adapterCode,
            bankMerchantId: input.bank_merchant_id,
            terminalId,
            currencies,
          },
          now + i,
        );
      }
      return {
        to: 'contract_signed',
        template: 'contract-signed',
        mailData: { bank: { name: bank.name } },
        changes: { stage: 'contract_signed', contract_signed_at: now },
      };
    });
  }

  /** Production: live mode opens (the merchant then creates its live keys, shown once). */
  goLive(merchantId: string, by = OPERATOR_ACTOR): Promise<MerchantView> {
    return this.change(merchantId, { operator: by }, 'merchant.go_live', {}, (m) => {
      assertStageTransition(m.stage, 'live', 'go live');
      return { to: 'live', template: 'live', changes: { stage: 'live', live_at: this.clock.now() } };
    });
  }

  /** Every API request of the merchant is refused until resumed; nothing is deleted. */
  suspend(merchantId: string, reason: string | undefined, by = OPERATOR_ACTOR): Promise<MerchantView> {
    return this.change(merchantId, { operator: by }, 'merchant.suspend', { reason: reason ?? null }, (m) => {
      assertStageTransition(m.stage, 'suspended', 'suspend');
      return {
        to: 'suspended',
        template: 'suspended',
        mailData: { reason: reason ?? '' },
        changes: { stage: 'suspended', resume_stage: m.stage as ActiveStage },
      };
    });
  }

  resume(merchantId: string, by = OPERATOR_ACTOR): Promise<MerchantView> {
    return this.change(merchantId, { operator: by }, 'merchant.resume', {}, (m) => {
      if (m.stage !== 'suspended' || m.resumeStage === undefined)
        throw new TenderError('merchant_invalid_stage', { message: `Cannot resume: the merchant is in stage ${m.stage}, not suspended.` });
      return { to: m.resumeStage, template: 'resumed', changes: { stage: m.resumeStage, resume_stage: null } };
    });
  }

  /** The owner's language and time zone (dashboard); not a stage move, so no event and no e-mail. */
  async setPreferences(merchantId: string, preferences: { locale: 'en' | 'ru' | 'ar'; timeZone: string }): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const m = await this.repo.lock(trx, merchantId);
      await this.repo.update(trx, m, { locale: preferences.locale, time_zone: preferences.timeZone }, this.clock.now());
    });
  }

  private async change(
    merchantId: string,
    actor: Actor,
    action: string,
    auditData: object,
    decide: (m: Merchant, trx: Transaction) => Change | Promise<Change>,
  ): Promise<MerchantView> {
    const { view, notice } = await inTransaction(this.db, async (trx) => {
      const before = await this.repo.lock(trx, merchantId);
      const change = await decide(before, trx);
      const after = await this.repo.update(trx, before, change.changes, this.clock.now());
      const v = merchantView(after);
      await change.alsoWrite?.(trx);
      if (actor !== 'merchant') {
        await this.audit.record(trx, {
          actor: actor.operator,
          action,
          merchantId,
          objectType: 'merchant',
          objectId: merchantId,
          data: { ...auditData, from_stage: before.stage, to_stage: after.stage },
        });
      }
      let n: OnboardingNotice | undefined;
      if (change.to !== undefined && change.template !== undefined) {
        const type = change.to === before.resumeStage && before.stage === 'suspended' ? 'merchant.resumed' : stageEventType(change.to);
        n = { type, merchant: v, template: change.template, data: change.mailData ?? {} };
        await this.notifier.record(trx, n);
      }
      return { view: v, notice: n };
    });
    if (notice !== undefined) await this.notifier.deliver(notice);
    return view;
  }
}

function stripKeys(created: CreatedMerchant): MerchantView {
  const { test_secret_key: _s, test_publishable_key: _p, ...view } = created;
  return view;
}
