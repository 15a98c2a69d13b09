import { Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import {
  AuditLog,
  BankConnectionRepository,
  CLOCK,
  CONFIG,
  Clock,
  DATABASE,
  Database,
  MERCHANT_STAGES,
  MerchantRepository,
  OnboardingDocuments,
  OnboardingService,
  TenderConfig,
  TenderError,
  fields,
  merchantView,
  parseInput,
  recordContractSchema,
  requireWebRole,
} from '@tender/core';
import { sendDocument } from '../dashboard/onboarding.router';
import { AuditQuery } from './audit-query';
import { AuditPeople } from './audit-people';
import { withPeople } from './audit.console';
import { ApplicationsQueue, CONNECTION_TARGET_DAYS, MerchantAction, MerchantStageCounts, actionsFor } from './merchant-board';
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
  const queue = container.resolve(ApplicationsQueue);
  const documents = container.resolve(OnboardingDocuments);
  const auditLog = container.resolve(AuditLog);
  const clock = container.resolve<Clock>(CLOCK);
  const people = container.resolve(AuditPeople);
  router.use(requireWebRole('operator'));

  router.get('/', async (req, res) => {
    const parsed = listQuery.safeParse(req.query);
    const q = parsed.success ? parsed.data : {};
    const page =
      (await merchants.list(db, { stage: q.stage, limit: PAGE, startingAfter: q.after })) ??
      (await merchants.list(db, { stage: q.stage, limit: PAGE, startingAfter: undefined }));
    const stages = (await counts.counts()).map((c) => ({ ...c, key: `console.stage.${c.stage}`, current: c.stage === q.stage, href: `?stage=${c.stage}` }));
    const rows = (page?.merchants ?? []).map(merchantView).map((m) => ({
      ...m,
      stageKey: `console.stage.${m.stage}`,
      // One-click moves only; those that take input (contract, suspend, extend) are on the merchant's page.
      actions: actionsFor(m)
        .filter((a) => a === 'approve' || a === 'go_live' || a === 'resume')
        .map((a) => ({ action: a, key: `console.merchant.action.${a}` })),
      created: utc(Date.parse(m.created_at)),
    }));
    const last = rows[rows.length - 1];
    const waiting = (await queue.list(clock.now())).map((a) => ({
      ...a,
      stageKey: `console.stage.${a.stage}`,
      days: a.businessDays.toFixed(1),
      sinceText: utc(a.since),
    }));
    renderConsole(res, 'merchants', {
      queue: waiting,
      targetDays: CONNECTION_TARGET_DAYS,
      overdueCount: waiting.filter((a) => a.overdue).length,
      title: 'console.merchants.title',
      stages,
      stage: q.stage ?? null,
      total: stages.reduce((s, c) => s + c.count, 0),
      merchants: rows,
      next:
        page?.hasMore === true && last !== undefined
          ? `?${new URLSearchParams({ ...(q.stage === undefined ? {} : { stage: q.stage }), after: last.id }).toString()}`
          : null,
    });
  });

  router.get('/:id', async (req, res) => {
    const id = merchantId.safeParse(req.params.id);
    if (!id.success) {
      notFoundPage(res);
      return;
    }
    const done = typeof req.query.done === 'string' && (ACTIONS as readonly string[]).includes(req.query.done) ? req.query.done : null;
    await detail(res, id.data, { done, doneKey: done === null ? null : `console.merchant.done.${done}` });
  });

  router.post('/:id/:action', async (req, res) => {
    const id = merchantId.safeParse(req.params.id);
    const action = req.params.action as MerchantAction;
    if (!id.success || !ACTIONS.includes(action)) {
      notFoundPage(res);
      return;
    }
    const form = formOf(req);
    const by = consoleActor(res);
    try {
      switch (action) {
        case 'approve':
          await onboarding.approve(id.data, by);
          break;
        case 'go_live':
          // Going live opens real payments: the operator confirms on the merchant's page first.
          if (form.confirm !== 'yes' && (await merchants.find(db, id.data))?.stage === 'contract_signed')
            return detail(res, id.data, { done: null, confirmGoLive: true });
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
          const input = parseInput(recordContractSchema, {
            bank_merchant_id: textField(form, 'bank_merchant_id'),
            terminal_ids: list('terminal_ids') ?? [],
            currencies: list('currencies')?.map((c) => c.toUpperCase()),
          });
          await onboarding.recordContract(id.data, input, by);
          break;
        }
      }
    } catch (error) {
      const refused = refusal(error);
      if (refused.code === 'resource_not_found') {
        notFoundPage(res);
        return;
      }
      // The field a refusal names ('terminal_ids.0' -> 'terminal_ids') gets the message beside it.
      const field = refused.param?.split('.')[0];
      return detail(
        res,
        id.data,
        {
          done: null,
          error: { action, actionKey: `console.merchant.action.${action}`, message: refused.message },
          errors: field === undefined ? {} : { [field]: refused.message },
          form,
        },
        refused.status,
      );
    }
    res.redirect(303, `${req.baseUrl}/${id.data}?done=${action}`);
  });

  router.get('/:id/documents/:doc', async (req, res) => {
    const id = merchantId.safeParse(req.params.id);
    const doc = typeof req.params.doc === 'string' && /^doc_[0-9A-Za-z]{1,40}$/.test(req.params.doc) ? req.params.doc : undefined;
    if (!id.success || doc === undefined) {
      notFoundPage(res);
      return;
    }
    try {
      const { document, bytes } = await documents.read(doc, 'operator');
      if (document.merchantId !== id.data) {
        notFoundPage(res);
        return;
      }
      // A merchant's company papers: who read them is on the record.
      await auditLog.record(db, {
        actor: consoleActor(res),
        action: 'merchant.document_read',
        merchantId: id.data,
        objectType: 'merchant',
        objectId: id.data,
        data: { document: document.id, requirement: document.requirement, file_name: document.fileName },
      });
      sendDocument(res, document.fileName, document.contentType, bytes);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') {
        notFoundPage(res);
        return;
      }
      throw error;
    }
  });

  async function detail(res: Parameters<typeof renderConsole>[0], id: string, extra: Record<string, unknown>, status?: number): Promise<void> {
    const merchant = await merchants.find(db, id);
    if (merchant === undefined) {
      notFoundPage(res);
      return;
    }
    const view = merchantView(merchant);
    const [live, test, history, docs] = await Promise.all([
      connections.listActive(db, { merchantId: id, livemode: true }),
      connections.listActive(db, { merchantId: id, livemode: false }),
      audit.page({ merchantId: id }, { limit: 10 }),
      documents.list(id),
    ]);
    const actions = actionsFor(view);
    renderConsole(
      res,
      'merchant',
      {
        title: 'console.merchant.title',
        merchant: {
          ...view,
          stageKey: `console.stage.${view.stage}`,
          resumeStageKey: view.resume_stage === null ? null : `console.stage.${view.resume_stage}`,
          created: utc(merchant.createdAt),
          registered: utc(merchant.registeredAt),
          approved: utc(merchant.approvedAt),
          live: utc(merchant.liveAt),
          testModeEnds: utc(merchant.testModeExpiresAt),
        },
        can: Object.fromEntries(actions.map((a) => [a, true])),
        connections: [...live, ...test].map((c) => ({
          id: c.id,
          bank: c.bankCode,
          terminal: c.terminalId,
          bankMerchantId: c.bankMerchantId,
          currencies: c.currencies.join(', '),
          livemode: c.livemode,
          status: c.status,
        })),
        history: await withPeople(people, history?.entries ?? []),
        documents: docs.map((d) => ({
          id: d.id,
          requirement: d.requirement,
          name: d.fileName,
          type: d.contentType,
          size: `${Math.max(1, Math.round(d.size / 1024))} KB`,
          when: utc(d.createdAt),
        })),
        stageTimes: { bankChosen: utc(merchant.bankChosenAt), contractSigned: utc(merchant.contractSignedAt) },
        confirmGoLive: false,
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
