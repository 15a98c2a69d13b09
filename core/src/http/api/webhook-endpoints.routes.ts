import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { CLOCK, Clock } from '../../clock/clock';
import { WebhookEndpointService } from '../../notifications/webhooks/webhook-endpoint.service';
import { WebhookDeliveryLog } from '../../notifications/webhooks/webhook-delivery-log';
import { endpointView } from '../../notifications/webhooks/webhook-endpoint';
import { createEndpointSchema, listDeliveriesSchema, listEndpointsSchema, rotateSecretSchema } from '../../notifications/webhooks/webhook-endpoint-input';
import { fields, parseInput } from '../validation';
import { callerOf } from '../middleware/merchant-auth';

/** /v1/webhook_endpoints: register, list, delete, rotate the secret, read the delivery log. */
export function webhookEndpointRoutes(container: DependencyContainer): Router {
  const router = Router();
  const endpoints = container.resolve(WebhookEndpointService);
  const log = container.resolve(WebhookDeliveryLog);
  const clock = container.resolve<Clock>(CLOCK);
  const endpointId = fields.id('we');

  router.post('/webhook_endpoints', async (req, res) => {
    const ctx = callerOf(res);
    const input = parseInput(createEndpointSchema, req.body);
    const { endpoint, secret } = await endpoints.create(ctx, input);
    res.status(201).json(endpointView(endpoint, clock.now(), secret));
  });

  router.get('/webhook_endpoints', async (req, res) => {
    const ctx = callerOf(res);
    const q = parseInput(listEndpointsSchema, req.query);
    const page = await endpoints.list(ctx, { limit: q.limit, startingAfter: q.starting_after });
    const now = clock.now();
    res.json({ object: 'list', data: page.endpoints.map((e) => endpointView(e, now)), has_more: page.hasMore });
  });

  router.get('/webhook_endpoints/:id', async (req, res) => {
    const ctx = callerOf(res);
    res.json(endpointView(await endpoints.retrieve(ctx, parseInput(endpointId, req.params.id)), clock.now()));
  });

  router.delete('/webhook_endpoints/:id', async (req, res) => {
    const ctx = callerOf(res);
    const deleted = await endpoints.delete(ctx, parseInput(endpointId, req.params.id));
    res.json({ ...endpointView(deleted, clock.now()), deleted: true });
  });

  router.post('/webhook_endpoints/:id/rotate_secret', async (req, res) => {
    const ctx = callerOf(res);
    const id = parseInput(endpointId, req.params.id);
    const input = parseInput(rotateSecretSchema, req.body ?? {});
    const { endpoint, secret } = await endpoints.rotateSecret(ctx, id, input.expires_in_hours * 3600_000);
    res.json(endpointView(endpoint, clock.now(), secret));
  });

  router.get('/webhook_endpoints/:id/deliveries', async (req, res) => {
    const ctx = callerOf(res);
    const id = parseInput(endpointId, req.params.id);
    const q = parseInput(listDeliveriesSchema, req.query);
    await endpoints.retrieve(ctx, id);
    const page = await log.list(ctx, id, { limit: q.limit, startingAfter: q.starting_after });
    res.json({ object: 'list', data: page.deliveries, has_more: page.hasMore });
  });

  return router;
}
