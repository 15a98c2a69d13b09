import { Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import { BankConnectionRepository, CONFIG, DATABASE, Database, MERCHANT_STAGES, MerchantRepository, OnboardingService, TenderConfig, fields, merchantView, parseInput, recordContractSchema, requireWebRole } from '@tender/core';
import { AuditQuery } from './audit-query';
import { AuditPeople } from './audit-people';
import { withPeople } from './audit.console';
import { MerchantAction, MerchantStageCounts, actionsFor } from './merchant-board';
import { consoleActor, formOf, refusal, renderConsole, textField, utc } from './console-page';

const PAGE = 25;
const merchantId = z.string().regex(/^mer_[0-9A-Za-z]{1,40}$/);
const listQuery = z.object({ stage: z.enum(MERCHANT_STAGES).optional(), after: merchantId.optional() }).strip();
const hoursField = z.coerce.number().int().min(1).max(8760);
const ACTIONS: readonly MerchantAction[] = ['approve', 'extend_test_mode', 'contract', 'go_live', 'suspend', 'resume'];

/**
 * /console/merchants: merchants by onboarding stage and one merchant's page, with the
 * moves of /admin/v1/merchants. Every move runs OnboardingService (the stage machine,
 * the row lock, the event, the e-mail) with the operator account as the audit actor.
 */
export function consoleMerchantsRouter(container: ServiceResolver): Router {
  const router = Router();
  const db = container.resolve<Database>(DATABASE);
  const config = container.resolve<TenderConfig>(CONFIG);
  const onboarding = container.resolve(OnboardingService);
  const merchants = container.resolve(MerchantRepository);
  const connections = container.resolve(BankConnectionRepository);
  const counts = container.resolve(MerchantStageCounts);
  const audit = container.resolve(AuditQuery);
  const people = container.resolve(AuditPeople);
  router.use(requireWebRole('operator'));

  router.get('/', async (req, res) => {
    const parsed = listQuery.safeParse(req.query);
    const q = parsed.success ? parsed.data : {};
    const page = (await merchants.list(db, { stage: q.stage, limit: PAGE, startingAfter: q.after })) ?? (await merchants.list(db, { stage: q.stage, limit: PAGE, startingAfter: undefined }));
    const stages = (await counts.counts()).map((c) => ({ ...c, key: `console.stage.${c.stage}`, current: c.stage === q.stage, href: `?stage=${c.stage}` }));
    const rows = (page?.merchants ?? []).map(merchantView).map((m) => ({
      ...m,
      stageKey: `console.stage.${m.stage}`,
      // One-click moves only; those that take input (contract, suspend, extend) are on the merchant's page.
      actions: actionsFor(m).filter((a) => a === 'approve' || a === 'go_live' || a === 'resume').map((a) => ({ action: a, key: `console.merchant.action.${a}` })),
      created: utc(Date.parse(m.created_at)),
    }));
    const last = rows[rows.length - 1];
    renderConsole(res, 'merchants', {
      title: 'console.merchants.title',
      stages,
      stage: q.stage ?? null,
      total: stages.reduce((s, c) => s + c.count, 0),
      merchants: rows,
      next: page?.hasMore === true && last !== undefined ? `?${new URLSearchParams({ ...(q.stage === undefined ? {} : { stage: q.stage }), after: last.id }).toString()}` : null,
    });
  });

  router.get('/:id', async (req, res) => {
    const id = merchantId.safeParse(req.params.id);
    if (!id.success) return notFoundPage(res);
    const done = typeof req.query.done === 'string' && (ACTIONS as readonly string[]).includes(req.query.done) ? req.query.done : null;
    await detail(res, id.data, { done, doneKey: done === null ? null : `console.merchant.done.${done}` });
  });

  router.post('/:id/:action', async (req, res) => {
    const id = merchantId.safeParse(req.params.id);
    const action = req.params.action as MerchantAction;
    if (!id.success || !ACTIONS.includes(action)) return notFoundPage(res);
    const form = formOf(req);
    const by = consoleActor(res);
    try {
      switch (action) {
        case 'approve':
          await onboarding.approve(id.data, by);
          break;
        case 'go_live':
          await onboarding.goLive(id.data, by);
          break;
        case 'resume':
          await onboarding.resume(id.data, by);
          break;
        case 'suspend': {
          const reason = textField(form, 'reason');
          await onboarding.suspend(id.data, parseInput(fields.line(500), reason) || undefined, by);
          break;
        }
        case 'extend_test_mode': {
          const hours = textField(form, 'hours');
          await onboarding.extendTestMode(id.data, hours === '' ? config.testModeHours : parseInput(z.object({ hours: hoursField }), { hours }).hours, by);
          break;
        }
        case 'contract': {
          const list = (name: string): string[] | undefined => {
            const raw = textField(form, name);
            return raw === '' ? undefined : raw.split(/[\s,]+/).filter((v) => v !== '');
          };
          const input = parseInput(recordContractSchema, { bank_merchant_id: textField(form, 'bank_merchant_id'), terminal_ids: list('terminal_ids') ?? [], currencies: list('currencies')?.map((c) => c.toUpperCase()) });
          await onboarding.recordContract(id.data, input, by);
          break;
        }
      }
    } catch (error) {
      const refused = refusal(error);
      if (refused.code === 'resource_not_found') return notFoundPage(res);
      // The field a refusal names ('terminal_ids.0' -> 'terminal_ids') gets the message beside it.
      const field = refused.param?.split('.')[0];
      return detail(res, id.data, { done: null, error: { action, actionKey: `console.merchant.action.${action}`, message: refused.message }, errors: field === undefined ? {} : { [field]: refused.message }, form }, refused.status);
    }
    res.redirect(303, `${req.baseUrl}/${id.data}?done=${action}`);
  });

  async function detail(res: Parameters<typeof renderConsole>[0], id: string, extra: Record<string, unknown>, status?: number): Promise<void> {
    const merchant = await merchants.find(db, id);
    if (merchant === undefined) return notFoundPage(res);
    const view = merchantView(merchant);
    const [live, test, history] = await Promise.all([
      connections.listActive(db, { merchantId: id, livemode: true }),
      connections.listActive(db, { merchantId: id, livemode: false }),
      audit.page({ merchantId: id }, { limit: 10 }),
    ]);
    const actions = actionsFor(view);
    renderConsole(
      res,
      'merchant',
      {
        title: 'console.merchant.title',
        merchant: { ...view, stageKey: `console.stage.${view.stage}`, resumeStageKey: view.resume_stage === null ? null : `console.stage.${view.resume_stage}`, created: utc(merchant.createdAt), registered: utc(merchant.registeredAt), approved: utc(merchant.approvedAt), live: utc(merchant.liveAt), testModeEnds: utc(merchant.testModeExpiresAt) },
        can: Object.fromEntries(actions.map((a) => [a, true])),
        connections: [...live, ...test].map((c) => ({ id: c.id, bank: c.bankCode, terminal: c.terminalId, bankMerchantId: c.bankMerchantId, currencies: c.currencies.join(', '), livemode: c.livemode, status: c.status })),
        history: await withPeople(people, history?.entries ?? []),
        defaultHours: config.testModeHours,
        doneKey: null,
        errors: {},
        form: {},
        ...extra,
      },
      status,
    );
  }

  return router;
}

function notFoundPage(res: Parameters<typeof renderConsole>[0]): void {
  renderConsole(res, 'not-found', { title: 'console.not_found.title' }, 404);
}
