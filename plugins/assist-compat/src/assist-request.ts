import { z } from 'zod';
import { fields, findCurrency, textRule } from '@tender/core';
import { AssistError } from './assist-error';
import { parseAssistAmount } from './assist-amount';
import { checkvalueMatches, requestCheckvalue } from './assist-checkvalue';
import { AssistMerchant } from './assist-settings.service';
import { AssistOrderInput } from './assist-order.service';
import { returnHostAllowed } from './assist-merchant-limits';

/**
 * An Assist request's fields with lowercase names (modules spell them `OrderNumber`,
 * `Ordernumber` or `ordernumber`) and empty values dropped (forms post empty fields).
 * Fields Tender does not use are ignored, as Assist ignores unknown ones.
 */
export type AssistFields = Readonly<Record<string, string>>;

export function assistFields(body: unknown): AssistFields {
  const out: Record<string, string> = {};
  if (body === null || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
    if (text !== undefined && text !== '') out[key.toLowerCase()] = text;
  }
  return out;
}

const LOCALES: Readonly<Record<string, string>> = { RU: 'ru', EN: 'en', AR: 'ar' };

const returnUrl = z
  .string()
  .max(500)
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an absolute http(s) URL');

const orderSchema = z.object({
  merchant_id: z.string().regex(/^\d{1,12}$/),
  ordernumber: fields.identifier(128),
  orderamount: z.string().max(32),
  ordercurrency: z.string().regex(/^[A-Za-z]{3}$/),
  ordercomment: fields.line(256).optional(),
  delay: z.enum(['0', '1']).optional(),
  language: z
    .string()
    .transform((l) => l.toUpperCase())
    .refine((l) => LOCALES[l] !== undefined, 'must be RU, EN or AR')
    .optional(),
  email: z.string().max(128).email().optional(),
  firstname: fields.line(70).optional(),
  lastname: fields.line(70).optional(),
  mobilephone: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,20}$/)
    .optional(),
  url_return: returnUrl.optional(),
  url_return_ok: returnUrl.optional(),
  url_return_no: returnUrl.optional(),
  checkvalue: z.string().max(64).superRefine(textRule('identifier')).optional(),
  recurringindicator: z.enum(['0', '1']).optional(),
  recurringminamount: z.string().max(32).optional(),
  recurringmaxamount: z.string().max(32).optional(),
  recurringperiod: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a number of days')
    .optional(),
  recurringmaxdate: z
    .string()
    .regex(/^\d{2}\.\d{2}\.\d{4}$/, 'must be a date as dd.mm.yyyy')
    .optional(),
});

/** The Merchant_ID a request names; without one nothing else can be checked. */
export function merchantIdOf(fields: AssistFields): string {
  const id = fields.merchant_id;
  if (id === undefined) throw new AssistError('parameter_invalid', 'Merchant_ID is required.');
  return id;
}

/**
 * order.cfm / payrequest.cfm: the checkvalue first (a wrong one refuses the request
 * before anything else is looked at), then every field.
 */
export function parseOrderRequest(fields: AssistFields, merchant: AssistMerchant): AssistOrderInput {
  const given = fields.checkvalue;
  if (given === undefined) {
    if (merchant.checkvalueRequired) throw new AssistError('checkvalue_missing');
  } else {
    const expected = requestCheckvalue(merchant.salt, {
      merchantId: fields.merchant_id ?? '',
      orderNumber: fields.ordernumber ?? '',
      orderAmount: fields.orderamount ?? '',
      orderCurrency: fields.ordercurrency ?? '',
    });
    if (!checkvalueMatches(expected, given)) throw new AssistError('checkvalue_invalid');
  }
  const parsed = orderSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? '');
    throw new AssistError('parameter_invalid', `${name === '' ? 'A parameter' : name} ${issue?.message ?? 'is invalid'}.`);
  }
  const f = parsed.data;
  const currency = f.ordercurrency.toUpperCase();
  if (findCurrency(currency) === undefined) throw new AssistError('currency_unsupported');
  if (!merchant.currencies.includes(currency)) throw new AssistError('currency_unsupported', `This merchant accepts ${merchant.currencies.join(', ')}.`);
  const amount = parseAssistAmount(f.orderamount, currency);
  if (amount === undefined) throw new AssistError('amount_invalid');
  // The checkvalue does not cover the return URLs: without this a signed form could be re-posted with a phishing one.
  for (const [name, url] of [
    ['URL_RETURN', f.url_return],
    ['URL_RETURN_OK', f.url_return_ok],
    ['URL_RETURN_NO', f.url_return_no],
  ] as const) {
    if (url !== undefined && !returnHostAllowed(merchant, url)) throw new AssistError('return_url_refused', `${name} is on ${new URL(url).hostname}.`);
  }
  const metadata: Record<string, string> = {};
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined) metadata[key] = value;
  };
  put('locale', f.language === undefined ? undefined : LOCALES[f.language]);
  put('assist_email', f.email);
  put('assist_firstname', f.firstname);
  put('assist_lastname', f.lastname);
  put('assist_mobilephone', f.mobilephone);
  put('assist_url_return_ok', f.url_return_ok);
  put('assist_url_return_no', f.url_return_no);
  if (f.recurringindicator === '1') Object.assign(metadata, recurringTerms(f, currency));
  return {
    orderNumber: f.ordernumber,
    amount,
    currency,
    comment: f.ordercomment,
    twoStage: f.delay === '1',
    returnUrl: f.url_return ?? f.url_return_ok,
    metadata,
    recurring: f.recurringindicator === '1',
  };
}

/**
 * RecurringIndicator=1: the buyer agrees to later merchant-initiated payments on this
 * card, within RecurringMinAmount..RecurringMaxAmount, at most every RecurringPeriod
 * days, until RecurringMaxDate (each optional). Kept in the first payment's metadata
 * (minor units, ISO date), where rp.cfm reads them.
 */
function recurringTerms(f: z.output<typeof orderSchema>, currency: string): Record<string, string> {
  const terms: Record<string, string> = { assist_recurring: '1' };
  const amount = (text: string | undefined, name: string): number | undefined => {
    if (text === undefined) return undefined;
    const minor = parseAssistAmount(text, currency);
    if (minor === undefined) throw new AssistError('amount_invalid', `${name} is not a valid amount.`);
    return minor;
  };
  const min = amount(f.recurringminamount, 'RecurringMinAmount');
  const max = amount(f.recurringmaxamount, 'RecurringMaxAmount');
  if (min !== undefined && max !== undefined && min > max) throw new AssistError('parameter_invalid', 'RecurringMinAmount is larger than RecurringMaxAmount.');
  if (min !== undefined) terms.assist_recurring_min = String(min);
  if (max !== undefined) terms.assist_recurring_max = String(max);
  if (f.recurringperiod !== undefined) terms.assist_recurring_period_days = String(Number(f.recurringperiod));
  if (f.recurringmaxdate !== undefined) {
    const [day, month, year] = f.recurringmaxdate.split('.').map(Number) as [number, number, number];
    const ms = Date.UTC(year, month - 1, day);
    if (new Date(ms).getUTCDate() !== day || new Date(ms).getUTCMonth() !== month - 1)
      throw new AssistError('parameter_invalid', 'RecurringMaxDate is not a valid date.');
    terms.assist_recurring_max_date = new Date(ms).toISOString().slice(0, 10);
  }
  return terms;
}

/** Amount and Currency of charge.cfm / wscancel.cfm: both or neither, in the payment's currency. */
export function parseOperationAmount(fields: AssistFields, paymentCurrency: string): number | undefined {
  if (fields.amount === undefined && fields.currency === undefined) return undefined;
  if (fields.amount === undefined || fields.currency === undefined) throw new AssistError('parameter_invalid', 'Amount and Currency go together.');
  if (fields.currency.toUpperCase() !== paymentCurrency)
    throw new AssistError('currency_unsupported', `Only the order's currency (${paymentCurrency}) can be used.`);
  const amount = parseAssistAmount(fields.amount, paymentCurrency);
  if (amount === undefined) throw new AssistError('amount_invalid');
  return amount;
}

const DATE_PARTS = ['year', 'month', 'day', 'hour', 'min'] as const;

/** StartYear..StartMin / EndYear..EndMin (UTC) of the orderstate listing; undefined when none is given. */
export function parseListingDate(fields: AssistFields, prefix: 'start' | 'end'): number | undefined {
  const parts = DATE_PARTS.map((p) => fields[`${prefix}${p}`]);
  if (parts.every((p) => p === undefined)) return undefined;
  const [year, month, day, hour, min] = parts.map((p) => (p === undefined ? undefined : /^\d{1,4}$/.test(p) ? Number(p) : NaN));
  if (year === undefined || month === undefined || day === undefined)
    throw new AssistError('parameter_invalid', `${prefix}Year, ${prefix}Month and ${prefix}Day go together.`);
  const ms = Date.UTC(year, month - 1, day, hour ?? 0, min ?? 0);
  const check = new Date(ms);
  if (Number.isNaN(ms) || check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || (hour ?? 0) > 23 || (min ?? 0) > 59) {
    throw new AssistError('parameter_invalid', `The ${prefix} date is not a valid date.`);
  }
  return ms;
}
