import { TenderError } from '../../errors/tender-error';
import { hostileTextProblem } from '../../http/hostile-text';
import { passesLuhn } from './luhn';
import { CardBrand, detectBrand, isValidLengthForBrand } from './card-brand';

/**
 * Card details as a buyer typed them, checked before any bank is asked. Lives only
 * in memory for one request; the CVC in particular is never stored or logged.
 */
export interface CardInput {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
  readonly holderName: string | undefined;
  readonly brand: CardBrand;
}

export interface RawCardInput {
  number?: unknown;
  exp_month?: unknown;
  exp_year?: unknown;
  cvc?: unknown;
  holder_name?: unknown;
}

/**
 * Validates raw card fields; `paramPrefix` names them in errors so the caller sees
 * which field was wrong (e.g. `payment_method.card.number`; '' names the bare field).
 * Messages never echo the values.
 */
export function parseCardInput(raw: RawCardInput, now: Date, paramPrefix = 'payment_method.card'): CardInput {
  const p = (field: string): string => (paramPrefix === '' ? field : `${paramPrefix}.${field}`);
  if (raw.number === undefined || raw.number === null || raw.number === '') {
    throw new TenderError('parameter_missing', { param: p('number'), message: 'The card number is required.' });
  }
  if (typeof raw.number !== 'string') {
    throw new TenderError('card_number_invalid', { param: p('number'), message: 'The card number must be a string of digits.' });
  }
  const number = raw.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number)) {
    throw new TenderError('card_number_invalid', { param: p('number'), message: 'The card number must have 12 to 19 digits.' });
  }
  const brand = detectBrand(number);
  if (!passesLuhn(number)) {
    throw new TenderError('card_number_invalid', { param: p('number'), message: 'The card number is not valid (Luhn check failed).' });
  }
  if (!isValidLengthForBrand(number, brand)) {
    throw new TenderError('card_number_invalid', { param: p('number'), message: `The card number has the wrong length for a ${brand} card.` });
  }
  const expMonth = toInt(raw.exp_month);
  if (expMonth === undefined || expMonth < 1 || expMonth > 12) {
    throw new TenderError('card_expiry_invalid', { param: p('exp_month'), message: 'exp_month must be an integer from 1 to 12.' });
  }
  let expYear = toInt(raw.exp_year);
  if (expYear !== undefined && expYear >= 0 && expYear < 100) expYear += 2000;
  if (expYear === undefined || expYear < 2000 || expYear > 2100) {
    throw new TenderError('card_expiry_invalid', { param: p('exp_year'), message: 'exp_year must be a four-digit year.' });
  }
  // A card is valid through the last day of its expiry month (UTC).
  const currentMonths = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const cardMonths = expYear * 12 + (expMonth - 1);
  if (cardMonths < currentMonths) {
    throw new TenderError('card_expiry_invalid', { param: p('exp_year'), message: 'The card has expired.' });
  }
  if (cardMonths > currentMonths + 12 * 20) {
    throw new TenderError('card_expiry_invalid', { param: p('exp_year'), message: 'The expiry date is too far in the future.' });
  }
  if (typeof raw.cvc !== 'string' || !/^\d{3,4}$/.test(raw.cvc)) {
    throw new TenderError('card_cvc_invalid', { param: p('cvc') });
  }
  let holderName: string | undefined;
  if (raw.holder_name !== undefined && raw.holder_name !== null) {
    if (typeof raw.holder_name !== 'string' || raw.holder_name.length > 100) {
      throw new TenderError('parameter_invalid', { param: p('holder_name'), message: 'holder_name must be a string of at most 100 characters.' });
    }
    const problem = hostileTextProblem(raw.holder_name, 'line');
    if (problem !== undefined) throw new TenderError('parameter_invalid', { param: p('holder_name'), message: `holder_name ${problem}.` });
    holderName = raw.holder_name.trim() || undefined;
  }
  return { number, expMonth, expYear, cvc: raw.cvc, holderName, brand };
}

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,4}$/.test(value)) return Number(value);
  return undefined;
}

/** BIN (first 6) and last 4: the most of a PAN anything outside the vault may show. */
export function maskedParts(number: string): { bin: string; last4: string } {
  return { bin: number.slice(0, 6), last4: number.slice(-4) };
}
