import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { IdempotencyService } from '../../idempotency/idempotency.service';
import { PaymentLinkService, createPaymentLinkSchema, linkView } from '../../payment-links/payment-link.service';
import { fields, parseInput } from '../validation';
import { callerOf } from '../middleware/merchant-auth';
import { sendIdempotent } from '../respond';

/** /v1/payment_links: create and retrieve reusable payment links. */
export function paymentLinkRoutes(container: DependencyContainer): Router {
  const router = Router();
  const links = container.resolve(PaymentLinkService);
  const idempotency = container.resolve(IdempotencyService);
  const config = container.resolve<TenderConfig>(CONFIG);

  router.post('/payment_links', async (req, res) => {
    const ctx = callerOf(res);
    const input = parseInput(createPaymentLinkSchema, req.body);
    await sendIdempotent(idempotency, req, res, ctx, async () => ({ status: 201, body: linkView(await links.create(ctx, input), config) }));
  });

  router.get('/payment_links/:id', async (req, res) => {
    const ctx = callerOf(res);
    const id = parseInput(fields.id('plink'), req.params.id);
    res.json(linkView(await links.retrieve(ctx, id), config));
  });
  return router;
}
