import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { DATABASE, Database } from '../../db/database';
import { BankCatalogueService, bankView, createBankSchema, updateBankSchema } from '../../banks/bank-catalogue.service';
import { parseInput } from '../validation';

const bankCode = z.string().regex(/^[a-z0-9_-]{2,40}$/, 'must be a bank code');
const listSchema = z.object({ status: z.enum(['active', 'withdrawn']).optional() }).strict();

/** /admin/v1/banks: the banks the operator offers and what their contracts need. */
export function adminBankRoutes(container: DependencyContainer): Router {
  const router = Router();
  const db = container.resolve<Database>(DATABASE);
  const banks = container.resolve(BankCatalogueService);

  router.get('/banks', async (req, res) => {
    const q = parseInput(listSchema, req.query);
    res.json({ object: 'list', data: (await banks.list(db, q.status)).map(bankView), has_more: false });
  });

  router.post('/banks', async (req, res) => {
    res.status(201).json(bankView(await banks.create(parseInput(createBankSchema, req.body))));
  });

  router.get('/banks/:code', async (req, res) => {
    res.json(bankView(await banks.get(db, parseInput(bankCode, req.params.code))));
  });

  router.patch('/banks/:code', async (req, res) => {
    const code = parseInput(bankCode, req.params.code);
    res.json(bankView(await banks.update(code, parseInput(updateBankSchema, req.body))));
  });

  /** Withdraws the bank: no new merchants may choose it; signed contracts keep working. */
  router.delete('/banks/:code', async (req, res) => {
    const code = parseInput(bankCode, req.params.code);
    res.json(bankView(await banks.update(code, { status: 'withdrawn' })));
  });

  return router;
}
