import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { CLOCK, Clock } from '../../clock/clock';
import { DATABASE, Database } from '../../db/database';
import { TenderError } from '../../errors/tender-error';
import { BankCatalogueService, bankView } from '../../banks/bank-catalogue.service';
import { companyDetailsSchema } from '../../merchants/company-details';
import { MerchantRepository } from '../../merchants/merchant.repository';
import { OnboardingService } from '../../merchants/onboarding.service';
import { onboardingStatusView } from '../../merchants/onboarding-status';
import { callerOf } from '../middleware/merchant-auth';
import { parseInput, textRule } from '../validation';

export const chooseBankSchema = z.object({ bank: z.string().trim().min(1).max(40).superRefine(textRule('identifier')) }).strict();

/**
 * /v1/account: the merchant's own onboarding. These routes stay open when test mode
 * has expired, since registering is how a merchant gets out of that state.
 */
export function accountRoutes(container: DependencyContainer): Router {
  const router = Router();
  const db = container.resolve<Database>(DATABASE);
  const clock = container.resolve<Clock>(CLOCK);
  const merchants = container.resolve(MerchantRepository);
  const banks = container.resolve(BankCatalogueService);
  const onboarding = container.resolve(OnboardingService);

  router.get('/account/onboarding', async (_req, res) => {
    const merchant = await merchants.find(db, callerOf(res).merchantId);
    if (merchant === undefined) throw new TenderError('api_key_invalid');
    const bank = merchant.chosenBankCode === undefined ? undefined : await banks.get(db, merchant.chosenBankCode);
    res.json(onboardingStatusView(merchant, bank, clock.now(), merchant.approvedAt !== undefined));
  });

  router.post('/account/registration', async (req, res) => {
    const input = parseInput(companyDetailsSchema, req.body);
    res.json(await onboarding.register(callerOf(res).merchantId, input));
  });

  /** The banks a merchant may choose from. */
  router.get('/account/banks', async (_req, res) => {
    res.json({ object: 'list', data: (await banks.list(db, 'active')).map(bankView), has_more: false });
  });

  router.post('/account/bank', async (req, res) => {
    const input = parseInput(chooseBankSchema, req.body);
    res.json(await onboarding.chooseBank(callerOf(res).merchantId, input.bank));
  });

  return router;
}
