import { z } from 'zod';
import { fields, textRule } from '../http/validation';
import { isValidInn } from './inn';

/**
 * POST /v1/account/registration: the company behind the shop. The tax id is an INN
 * with its check digits for Russia (country RU); elsewhere 5 to 20 letters and digits.
 */
export const companyDetailsSchema = z
  .object({
    legal_name: z.string().trim().min(2).max(200).superRefine(textRule('line')),
    country: z
      .string()
      .trim()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as RU'),
    tax_id: z.string().trim().min(1).max(20).superRefine(textRule('identifier')),
    address: z.string().trim().min(5).max(500).superRefine(textRule('multiline')),
    website: fields.httpUrl,
    contact: z
      .object({
        name: z.string().trim().min(1).max(200).superRefine(textRule('line')),
        phone: z
          .string()
          .trim()
          .regex(/^\+?[0-9 ()-]{5,30}$/, 'must be a phone number'),
      })
      .strict(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const ok = v.country === 'RU' ? isValidInn(v.tax_id) : /^[0-9A-Za-z-]{5,20}$/.test(v.tax_id);
    if (!ok) {
      const message = v.country === 'RU' ? 'must be an INN of 10 or 12 digits with valid check digits' : 'must be 5 to 20 letters, digits or dashes';
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tax_id'], message, params: { code: 'tax_id_invalid' } });
    }
  });

export type CompanyDetailsInput = z.output<typeof companyDetailsSchema>;
