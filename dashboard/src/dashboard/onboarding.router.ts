import { Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { BankCatalogueService, CLOCK, Clock, DATABASE, Database, MerchantRepository, OnboardingService, onboardingStatusView, requireWebRole } from '@tender/core';
import { formOf, pageErrorOf, renderNotFound, renderScreen, contextOf } from './dashboard-page';

/** The stages in order, for the progress bar; `suspended` is shown apart. */
const STAGES = ['applied', 'registered', 'bank_chosen', 'contract_signed', 'live'] as const;

/**
 * /dashboard/onboarding: where the merchant is between test mode and production,
 * and what the chosen bank still needs (its contract requirements), from the same
 * view as GET /v1/account/onboarding. The owner can choose a bank here once
 * registered; everyone else only reads.
 */
export function onboardingRouter(container: ServiceResolver): Router {
  const router = Router();
  const db = container.resolve<Database>(DATABASE);
  const clock = container.resolve<Clock>(CLOCK);
  const merchants = container.resolve(MerchantRepository);
  const banks = container.resolve(BankCatalogueService);
  const onboarding = container.resolve(OnboardingService);
  router.use(requireWebRole('owner', 'developer', 'support'));

  async function renderStatus(res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const merchant = await merchants.find(db, contextOf(res).merchantId);
    if (merchant === undefined) return renderNotFound(res);
    const bank = merchant.chosenBankCode === undefined ? undefined : await banks.get(db, merchant.chosenBankCode).catch(() => undefined);
    const view = onboardingStatusView(merchant, bank, clock.now(), merchant.approvedAt !== undefined);
    const reached = STAGES.indexOf(merchant.stage as (typeof STAGES)[number]);
    renderScreen(
      res,
      'onboarding',
      {
        title: 'dash.onboarding.title',
        status: view,
        stage: merchant.stage,
        stages: STAGES.map((s, i) => ({ code: s, done: reached >= 0 && i < reached, current: i === reached })),
        suspended: merchant.stage === 'suspended',
        canChooseBank: merchant.stage === 'registered',
        banks: merchant.stage === 'registered' ? (await banks.list(db, 'active')).map((b) => ({ code: b.code, name: b.name })) : [],
        ...extra,
      },
      status,
    );
  }

  router.get('/', async (_req, res) => {
    await renderStatus(res, {});
  });

  router.post('/bank', requireWebRole('owner'), async (req, res) => {
    const code = (formOf(req).bank ?? '').trim().slice(0, 40);
    try {
      await onboarding.chooseBank(contextOf(res).merchantId, code);
    } catch (error) {
      const shown = pageErrorOf(error);
      return renderStatus(res, { error: shown }, shown.status);
    }
    res.redirect(303, '/dashboard/onboarding');
  });

  return router;
}
