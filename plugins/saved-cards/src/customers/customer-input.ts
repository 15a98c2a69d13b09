import { fields } from '@tender/core';
import { z } from 'zod';

// Kept in lower case, so the list's email filter finds a customer however the address was typed.
const email = z
  .string()
  .trim()
  .max(320)
  .email()
  .transform((e) => e.toLowerCase());
// Digits, spaces and the usual separators, with an optional leading +: nothing that could carry markup.
const phone = z.string().regex(/^\+?[0-9 ()-]{3,32}$/, 'must be a phone number (digits, spaces, ( ) -, an optional leading +)');

/**
 * `POST /v1/customers`: every field optional; names and descriptions are one line
 * of text without control or bidi characters.
 *
 * @example
 * ```ts
 * parseInput(createCustomerSchema, { email: 'buyer@example.com', name: 'Anna Petrova', metadata: { crm_id: '42' } });
 * ```
 */
export const createCustomerSchema = z
  .object({
    email: email.optional(),
    name: fields.line(200, 1).optional(),
    phone: phone.optional(),
    description: fields.line(500).optional(),
    metadata: fields.metadata,
  })
  .strict();

/** `POST /v1/customers/:id`: the fields to change; null clears one. */
export const updateCustomerSchema = z
  .object({
    email: email.nullable().optional(),
    name: fields.line(200, 1).nullable().optional(),
    phone: phone.nullable().optional(),
    description: fields.line(500).nullable().optional(),
    metadata: fields.metadata,
  })
  .strict();

/** `GET /v1/customers`: newest first, `email` filter, cursor `starting_after`. */
export const listCustomersSchema = z
  .object({
    email: email.optional(),
    limit: fields.limit,
    starting_after: fields.id('cus').optional(),
  })
  .strict();

export type CreateCustomerInput = z.output<typeof createCustomerSchema>;
export type UpdateCustomerInput = z.output<typeof updateCustomerSchema>;
export type ListCustomersInput = z.output<typeof listCustomersSchema>;
