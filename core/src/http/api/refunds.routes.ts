import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { IdempotencyService } from '../../idempotency/idempotency.service';
import { RefundService } from '../../refunds/refund.service';
import { refundView } from '../../refunds/refund';
import { createRefundSchema, listRefundsSchema } from '../../refunds/refund-input';
import { parseInput, parsePathId } from '../validation';
import { callerOf } from '../middleware/merchant-auth';
import { idempotencyKeyOf, sendIdempotent } from '../respond';
import { noteRequest } from '../middleware/request-log';

/** /v1/refunds: create, retrieve, list for a payment. */
export function refundRoutes(container: DependencyContainer): Router {
  const router = Router();
  const refunds = container.resolve(RefundService);
  const idempotency = container.resolve(IdempotencyService);

  router.post('/refunds', async (req, res) => {
    const ctx = callerOf(res);
    const input = parseInput(createRefundSchema, req.body);
    noteRequest(res, { paymentId: input.payment_id });
    await sendIdempotent(idempotency, req, res, ctx, async () => ({ status: 201, body: refundView(await refunds.create(ctx, input, idempotencyKeyOf(req))) }));
  });

  router.get('/refunds', async (req, res) => {
    const ctx = callerOf(res);
    const query = parseInput(listRefundsSchema, req.query);
    const page = await refunds.listForPayment(ctx, query.payment_id, query.limit, query.starting_after);
    res.json({ object: 'list', data: page.refunds.map(refundView), has_more: page.hasMore });
  });

  router.get('/refunds/:id', async (req, res) => {
    const ctx = callerOf(res);
    const id = parsePathId('ref', req.params.id);
    res.json(refundView(await refunds.retrieve(ctx, id)));
  });

  return router;
}
