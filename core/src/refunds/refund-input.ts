import { z } from 'zod';
import { fields } from '../http/validation';
import { amountField } from '../payments/payment-input';

/** POST /v1/refunds */
export const createRefundSchema = z
  .object({
    payment_id: fields.id('pay'),
    amount: amountField.optional(),
    reason: fields.line(500).optional(),
  })
  .strict();

export type CreateRefundInput = z.output<typeof createRefundSchema>;

/** GET /v1/refunds */
export const listRefundsSchema = z.object({ payment_id: fields.id('pay'), limit: fields.limit, starting_after: fields.id('ref').optional() }).strict();
