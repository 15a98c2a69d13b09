import { z } from 'zod';
import { fields, textRule } from '../../http/validation';
import { isEventPatternShape } from '../event-types';

export const EVENT_PATTERN_RULE = 'must be an event type, "<prefix>.*" or "*"';

/** POST /v1/webhook_endpoints */
export const createEndpointSchema = z
  .object({
    url: z.string().min(1).max(2000).superRefine(textRule('identifier')),
    events: z
      // The shape here; whether the type exists (core's or a plugin's) is checked by WebhookEndpointService.
      .array(z.string().max(64).refine(isEventPatternShape, EVENT_PATTERN_RULE))
      .min(1)
      .max(50),
    description: fields.line(500).optional(),
  })
  .strict();

export type CreateEndpointInput = z.output<typeof createEndpointSchema>;

/** POST /v1/webhook_endpoints/:id/rotate_secret: how long the old secret keeps signing. */
export const rotateSecretSchema = z.object({ expires_in_hours: z.number().int().min(0).max(168).default(24) }).strict();

export const listEndpointsSchema = z.object({ limit: fields.limit, starting_after: fields.id('we').optional() }).strict();

export const listDeliveriesSchema = z.object({ limit: fields.limit, starting_after: fields.id('whd').optional() }).strict();

export const redeliverSchema = z.object({ endpoint: fields.id('we').optional() }).strict();
