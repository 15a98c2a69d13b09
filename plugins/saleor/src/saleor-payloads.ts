import { z } from 'zod';
import { fields, textRule } from '@tender/core';

/**
 * The parts of Saleor's webhook payloads the app reads (the subscription queries in
 * the manifest ask for exactly these), and the answer shape Saleor expects.
 */
const amount = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]);

export const sessionPayloadSchema = z.object({
  action: z.object({ amount, currency: z.string().min(3).max(3), actionType: z.enum(['CHARGE', 'AUTHORIZATION']) }),
  transaction: z.object({ id: z.string().min(1).max(500).superRefine(textRule('identifier')), pspReference: z.string().max(200).superRefine(textRule('identifier')).nullish() }),
  sourceObject: z.object({ __typename: z.string().max(64).superRefine(textRule('identifier')).optional(), id: fields.identifier(128) }).nullish(),
  idempotencyKey: z.string().max(200).superRefine(textRule('identifier')).nullish(),
  data: z.record(z.unknown()).nullish(),
});

export const actionPayloadSchema = z.object({
  action: z.object({ amount: amount.nullish(), currency: z.string().min(3).max(3).optional(), actionType: z.string().optional() }),
  transaction: z.object({ id: z.string().min(1).max(500), pspReference: z.string().nullish() }),
});

export type SaleorSessionPayload = z.output<typeof sessionPayloadSchema>;
export type SaleorActionPayload = z.output<typeof actionPayloadSchema>;

/** Saleor's TransactionEventType values a sync webhook may answer with. */
export type SaleorResult =
  | 'CHARGE_SUCCESS'
  | 'CHARGE_FAILURE'
  | 'CHARGE_ACTION_REQUIRED'
  | 'AUTHORIZATION_SUCCESS'
  | 'AUTHORIZATION_FAILURE'
  | 'AUTHORIZATION_ACTION_REQUIRED'
  | 'REFUND_SUCCESS'
  | 'REFUND_FAILURE'
  | 'CANCEL_SUCCESS'
  | 'CANCEL_FAILURE';

/** The JSON body answered to a transaction webhook (amounts in the major unit, as Saleor's Decimal). */
export interface SaleorSyncResponse {
  pspReference?: string;
  result?: SaleorResult;
  amount: number;
  externalUrl?: string;
  message?: string;
  data?: Record<string, string>;
}
