import { IdempotencyService, PluginContext, callerOf, parseInput, parsePathId, sendIdempotent } from '@tender/core';
import { Router } from 'express';
import { SavedCardService } from '../cards/saved-card.service';
import { createCustomerSchema, listCustomersSchema, updateCustomerSchema } from './customer-input';
import { CustomerService } from './customer.service';

/**
 * /v1/customers (merchant API): create, list, retrieve, update, erase, export, and
 * the customer's saved cards. Every handler is scoped by the caller's merchant and mode.
 */
export function customerRoutes(ctx: PluginContext, customers: CustomerService, cards: SavedCardService): Router {
  const router = Router();
  const idempotency = ctx.resolve(IdempotencyService);

  router.post('/customers', async (req, res) => {
    const caller = callerOf(res);
    const input = parseInput(createCustomerSchema, req.body ?? {});
    await sendIdempotent(idempotency, req, res, caller, async () => ({ status: 201, body: await customers.create(caller, input) }));
  });

  router.get('/customers', async (req, res) => {
    const caller = callerOf(res);
    res.json(await customers.list(caller, parseInput(listCustomersSchema, req.query)));
  });

  router.get('/customers/:id', async (req, res) => {
    res.json(await customers.retrieve(callerOf(res), parsePathId('cus', req.params.id)));
  });

  router.post('/customers/:id', async (req, res) => {
    const caller = callerOf(res);
    const id = parsePathId('cus', req.params.id);
    const input = parseInput(updateCustomerSchema, req.body ?? {});
    await sendIdempotent(idempotency, req, res, caller, async () => ({ status: 200, body: await customers.update(caller, id, input) }));
  });

  router.delete('/customers/:id', async (req, res) => {
    res.json(await customers.erase(callerOf(res), parsePathId('cus', req.params.id)));
  });

  router.get('/customers/:id/export', async (req, res) => {
    res.json(await customers.export(callerOf(res), parsePathId('cus', req.params.id)));
  });

  router.get('/customers/:id/payment_methods', async (req, res) => {
    const data = await cards.listForCustomer(callerOf(res), parsePathId('cus', req.params.id));
    res.json({ object: 'list', data, has_more: false });
  });

  return router;
}
