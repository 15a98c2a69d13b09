import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { DATABASE, Database } from '../../db/database';
import { TenderError } from '../../errors/tender-error';
import { BankConnectionRepository } from '../../banks/bank-connection';
import { createMerchantSchema } from '../../merchants/merchant.service';
import { MerchantRepository } from '../../merchants/merchant.repository';
import { MERCHANT_STAGES } from '../../merchants/merchant-stage-machine';
import { merchantView } from '../../merchants/merchant-view';
import { OnboardingService, recordContractSchema } from '../../merchants/onboarding.service';
import { fields, parseInput, parsePathId, textRule } from '../validation';

const listSchema = z.object({ stage: z.enum(MERCHANT_STAGES).optional(), limit: fields.limit, starting_after: fields.id('mer').optional() }).strict();
const extendSchema = z.object({ hours: z.number().int().min(1).max(8760).optional() }).strict();
const suspendSchema = z.object({ reason: z.string().trim().min(1).max(500).superRefine(textRule('line')).optional() }).strict();

/** /admin/v1/merchants: the operator creates, lists, reviews and moves merchants through onboarding. */
export function adminMerchantRoutes(container: DependencyContainer, testModeHours: number): Router {
  const router = Router();
  const db = container.resolve<Database>(DATABASE);
  const onboarding = container.resolve(OnboardingService);
  const merchants = container.resolve(MerchantRepository);
  const connections = container.resolve(BankConnectionRepository);
  const idOf = (raw: unknown): string => parsePathId('mer', raw);

  router.post('/merchants', async (req, res) => {
    const input = parseInput(createMerchantSchema, req.body);
    res.status(201).json(await onboarding.createByOperator(input));
  });

  router.get('/merchants', async (req, res) => {
    const q = parseInput(listSchema, req.query);
    const page = await merchants.list(db, { stage: q.stage, limit: q.limit, startingAfter: q.starting_after });
    if (page === undefined) throw new TenderError('parameter_invalid', { param: 'starting_after', message: 'starting_after names no merchant.' });
    res.json({ object: 'list', data: page.merchants.map(merchantView), has_more: page.hasMore });
  });

  router.get('/merchants/:id', async (req, res) => {
    const id = idOf(req.params.id);
    const merchant = await merchants.find(db, id);
    if (merchant === undefined) throw new TenderError('resource_not_found', { message: `No such merchant: '${id}'.` });
    res.json(merchantView(merchant));
  });

  router.get('/merchants/:id/bank_connections', async (req, res) => {
    const id = idOf(req.params.id);
    if ((await merchants.find(db, id)) === undefined) throw new TenderError('resource_not_found', { message: `No such merchant: '${id}'.` });
    const rows = await connections.listActive(db, { merchantId: id, livemode: true });
    res.json({
      object: 'list',
      data: rows.map((c) => ({
        id: c.id,
        object: 'bank_connection',
        bank: c.bankCode,
        adapter_code: c.adapterCode,
        bank_merchant_id: c.bankMerchantId,
        terminal_id: c.terminalId,
        currencies: c.currencies,
        status: c.status,
        livemode: c.livemode,
      })),
      has_more: false,
    });
  });

  router.post('/merchants/:id/approve', async (req, res) => {
    res.json(await onboarding.approve(idOf(req.params.id)));
  });

  router.post('/merchants/:id/extend_test_mode', async (req, res) => {
    const id = idOf(req.params.id);
    const input = parseInput(extendSchema, req.body ?? {});
    res.json(await onboarding.extendTestMode(id, input.hours ?? testModeHours));
  });

  router.post('/merchants/:id/contract', async (req, res) => {
    const id = idOf(req.params.id);
    res.json(await onboarding.recordContract(id, parseInput(recordContractSchema, req.body)));
  });

  router.post('/merchants/:id/go_live', async (req, res) => {
    res.json(await onboarding.goLive(idOf(req.params.id)));
  });

  router.post('/merchants/:id/suspend', async (req, res) => {
    const id = idOf(req.params.id);
    res.json(await onboarding.suspend(id, parseInput(suspendSchema, req.body ?? {}).reason));
  });

  router.post('/merchants/:id/resume', async (req, res) => {
    res.json(await onboarding.resume(idOf(req.params.id)));
  });

  return router;
}
