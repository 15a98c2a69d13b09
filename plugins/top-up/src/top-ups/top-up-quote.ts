import { MAX_AMOUNT, TenderError } from '@tender/core';
import { NumberingPlan } from '../numbering/numbering-plan';
import { PhoneNumber, parseRussianMobile } from '../phone/phone-number';
import { OperatorSettings, TopUpSettings, feeFor } from '../settings/top-up-settings';

/** What a valid request becomes before anything is written. */
export interface TopUpQuote {
  readonly phone: PhoneNumber;
  readonly operatorInn: string;
  readonly operator: OperatorSettings;
  readonly amount: number;
  readonly fee: number;
  readonly total: number;
}

/**
 * Checks the number, finds its operator in the plan and the settings, checks the
 * operator's amount limits and prices the fee. Throws a TenderError naming the
 * parameter; reads nothing from the database and writes nothing.
 */
export function quoteTopUp(plan: NumberingPlan, settings: TopUpSettings, rawPhone: string, amount: number): TopUpQuote {
  const phone = parseRussianMobile(rawPhone);
  if (phone === undefined) throw new TenderError('phone_number_invalid', { param: 'phone' });
  const range = plan.find(phone);
  const operator = range === undefined ? undefined : settings.operators[range.operatorInn];
  if (range === undefined || operator === undefined) throw new TenderError('top_up_operator_unknown', { param: 'phone' });
  if (amount < operator.min_amount || amount > operator.max_amount) {
    throw new TenderError('top_up_amount_out_of_range', {
      param: 'amount',
      message: `${operator.name} accepts top-ups from ${operator.min_amount} to ${operator.max_amount} kopecks.`,
    });
  }
  const fee = feeFor(operator, amount);
  if (amount + fee > MAX_AMOUNT) throw new TenderError('amount_invalid', { param: 'amount' });
  return { phone, operatorInn: range.operatorInn, operator, amount, fee, total: amount + fee };
}
