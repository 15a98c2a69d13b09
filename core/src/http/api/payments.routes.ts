import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { IdempotencyService } from '../../idempotency/idempotency.service';
import { PaymentService } from '../../payments/payment.service';
import { paymentView } from '../../payments/payment-view';
import { cancelPaymentSchema, capturePaymentSchema, confirmPaymentSchema, createPaymentSchema, listPaymentsSchema } from '../../payments/payment-input';
import { parseInput, parsePathId } from '../validation';
import { callerOf, paymentReadWithKey } from '../middleware/merchant-auth';
import { idempotencyKeyOf, sendIdempotent } from '../respond';
import { noteRequest } from '../middleware/request-log';

/** /v1/payments: create, confirm, capture, cancel, retrieve, list. */
export function paymentRoutes(container: DependencyContainer): Router {
  const router = Router();
  const payments = container.resolve(PaymentService);
  const idempotency = container.resolve(IdempotencyService);
  const { publicUrl } = container.resolve<TenderConfig>(CONFIG);
  const view = (p: Parameters<typeof paymentView>[0]) => paymentView(p, publicUrl);

  router.post('/payments', async (req, res) => {
    const ctx = callerOf(res);
    const input = parseInput(createPaymentSchema, req.body);
    await sendIdempotent(idempotency, req, res, ctx, async () => {
      const created = await payments.create(ctx, input, idempotencyKeyOf(req));
      noteRequest(res, { paymentId: created.id });
      return { status: 201, body: view(created) };
    });
  });

  router.get('/payments', async (req, res) => {
    const ctx = callerOf(res);
    const query = parseInput(listPaymentsSchema, req.query);
    const page = await payments.list(ctx, {
      orderId: query.order_id,
      status: query.status,
      limit: query.limit,
      startingAfter: query.starting_after,
      updatedSince: query.updated_since,
    });
    res.json({ object: 'list', data: page.payments.map(view), has_more: page.hasMore });
  });

  router.get('/payments/:id', async (req, res) => {
    const ctx = callerOf(res);
    const id = parsePathId('pay', req.params.id);
    res.json(view(await payments.retrieve(ctx, id)));
  });

  router.post('/payments/:id/confirm', async (req, res) => {
    const ctx = callerOf(res);
    const id = parsePathId('pay', req.params.id);
    const input = parseInput(confirmPaymentSchema, req.body);
    await sendIdempotent(idempotency, req, res, ctx, async () => ({
      status: 200,
      body: view(
        await payments.confirm(ctx, paymentReadWithKey(res, id) ?? id, input.payment_method, input.customer, {
          buyerPresent: false,
          ...(input.adjustments === undefined ? {} : { adjustments: input.adjustments }),
        }),
      ),
    }));
  });

  router.post('/payments/:id/capture', async (req, res) => {
    const ctx = callerOf(res);
    const id = parsePathId('pay', req.params.id);
    const input = parseInput(capturePaymentSchema, req.body ?? {});
    await sendIdempotent(idempotency, req, res, ctx, async () => ({ status: 200, body: view(await payments.capture(ctx, id, input.amount)) }));
  });

  router.post('/payments/:id/cancel', async (req, res) => {
    const ctx = callerOf(res);
    const id = parsePathId('pay', req.params.id);
    parseInput(cancelPaymentSchema, req.body ?? {});
    await sendIdempotent(idempotency, req, res, ctx, async () => ({ status: 200, body: view(await payments.cancel(ctx, id)) }));
  });

  return router;
}
