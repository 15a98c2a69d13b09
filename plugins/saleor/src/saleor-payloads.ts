import { z } from 'zod';
import { fields, textRule } from '@tender/core';

/**
 * The parts of Saleor's webhook payloads the app reads (the subscription queries in
 * the manifest ask for exactly these), and the answer shape Saleor expects.
 */
const amount = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]);

export const sessionPayloadSchema = z.object({
  action: z.object({ amount, currency: z.string().min(3).max(3), actionType: z.enum(['CHARGE', 'AUTHORIZATION']) }),
  transaction: z.object({
    id: z.string().min(1).max(500).superRefine(textRule('identifier')),
    pspReference: z.string().max(200).superRefine(textRule('identifier')).nullish(),
  }),
  sourceObject: z
    .object({
      __typename: z.string().max(64).superRefine(textRule('identifier')).optional(),
      id: fields.identifier(128),
      // The signed-in buyer, if any: whose saved cards the session may use or add to.
      user: z.object({ id: fields.identifier(128) }).nullish(),
    })
    .nullish(),
  idempotencyKey: z.string().max(200).superRefine(textRule('identifier')).nullish(),
  data: z.record(z.unknown()).nullish(),
});

export const actionPayloadSchema = z.object({
  action: z.object({ amount: amount.nullish(), currency: z.string().min(3).max(3).optional(), actionType: z.string().optional() }),
  transaction: z.object({ id: z.string().min(1).max(500), pspReference: z.string().nullish() }),
});

/** LIST_STORED_PAYMENT_METHODS: the user whose cards are listed (and the channel, not used). */
export const listStoredPaymentMethodsSchema = z.object({
  user: z.object({ id: fields.identifier(128) }),
  channel: z.object({ slug: z.string().max(255).superRefine(textRule('identifier')) }).nullish(),
});

/** STORED_PAYMENT_METHOD_DELETE_REQUESTED: the user and the id Tender gave the card (checked against the user). */
export const deleteStoredPaymentMethodSchema = listStoredPaymentMethodsSchema.extend({
  paymentMethodId: z.string().min(1).max(200).superRefine(textRule('identifier')),
});

/**
 * What the storefront may put in the session's `data` (Saleor forwards it as sent):
 * `payment_method` ("pm_...", one of the user's saved cards, paid at once with the
 * buyer present) and `setup_future_usage` (save the card paid on the hosted page).
 */
export const sessionDataSchema = z.object({
  payment_method: z
    .string()
    .regex(/^pm_[0-9A-Za-z]{1,40}$/, "must be a saved card's id (pm_...)")
    .optional(),
  setup_future_usage: z.enum(['on_session', 'off_session']).optional(),
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
