import { Router } from 'express';
import { z } from 'zod';
import { DependencyContainer } from 'tsyringe';
import { EventRepository } from '../../notifications/events/event.repository';
import { WebhookDeliveryLog } from '../../notifications/webhooks/webhook-delivery-log';
import { redeliverSchema } from '../../notifications/webhooks/webhook-endpoint-input';
import { fields, parseInput } from '../validation';
import { callerOf } from '../middleware/merchant-auth';

export const listEventsSchema = z
  .object({
    type: z
      .string()
      .regex(/^(\*|[a-z_]+\.\*|[a-z_]+\.[a-z_]+)$/, 'must be an event type or "<prefix>.*"')
      .optional(),
    object_id: z.string().max(40).optional(),
    limit: fields.limit,
    starting_after: fields.id('evt').optional(),
  })
  .strict();

/** /v1/events: the merchant's event log, and redelivery of one event. */
export function eventRoutes(container: DependencyContainer): Router {
  const router = Router();
  const events = container.resolve(EventRepository);
  const deliveries = container.resolve(WebhookDeliveryLog);
  const eventId = fields.id('evt');

  router.get('/events', async (req, res) => {
    const ctx = callerOf(res);
    const q = parseInput(listEventsSchema, req.query);
    const page = await events.list(ctx, { type: q.type === '*' ? undefined : q.type, objectId: q.object_id, limit: q.limit, startingAfter: q.starting_after });
    res.json({ object: 'list', data: page.events, has_more: page.hasMore });
  });

  router.get('/events/:id', async (req, res) => {
    const ctx = callerOf(res);
    res.json(await events.retrieve(ctx, parseInput(eventId, req.params.id)));
  });

  router.post('/events/:id/redeliver', async (req, res) => {
    const ctx = callerOf(res);
    const id = parseInput(eventId, req.params.id);
    const input = parseInput(redeliverSchema, req.body ?? {});
    const ids = await deliveries.redeliver(ctx, id, input.endpoint);
    res.status(202).json({ object: 'redelivery', event_id: id, delivery_ids: ids });
  });

  return router;
}
