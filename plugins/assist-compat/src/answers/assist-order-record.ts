import { Payment, cardBrandLabel } from '@tender/core';
import { formatAssistAmount } from '../assist-amount';
import { assistOrderFields, packetDate } from '../assist-order-fields';
import { assistResponseCode } from '../assist-order-state';
import { AssistMerchant } from '../assist-settings.service';
import { AssistRecord } from './assist-answer-render';

/** One bank operation of an order as the answers show it (a row of `bank_operations`, read in the order's merchant and mode). */
export interface AssistOperationFacts {
  readonly kind: string;
  readonly status: string;
  readonly amount: number;
  readonly currency: string;
  readonly adapterCode: string;
  readonly authorizationCode: string | null;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly createdAt: number;
}

/** What Tender does not know and the reference's own placeholder for it: Tender looks nothing up about the issuer. */
const UNKNOWN = 'UNKNOWN';

/** Assist's operation types: 100 payment (authorization), 200 charge, 300 cancel (void or refund). */
const OPERATION_TYPES: Readonly<Record<string, string>> = { authorize: '100', sale: '100', capture: '200', void: '300', refund: '300' };

/**
 * An order with every field of the reference's orderstate/charge/cancel answers:
 * the order (the push's fields, then orderdate, middlename, the card: brand, masked
 * number `411111****1111`, expiry `MM/YY`, cardholder, issuer bank and country,
 * approval and response code, message, protocol, processing) and its `operations`.
 * The cardholder's name is not kept by Tender (''); issuer bank and country are
 * `UNKNOWN`, as the reference writes an issuer it does not know.
 *
 * @example
 * ```ts
 * assistOrderRecord(merchant, payment, operations); // { ordernumber, ..., checkvalue, operations: [...] }
 * ```
 */
export function assistOrderRecord(merchant: AssistMerchant, payment: Payment, operations: readonly AssistOperationFacts[]): AssistRecord {
  const approval = [...operations].reverse().find((o) => (o.kind === 'authorize' || o.kind === 'sale') && o.status === 'succeeded');
  const { checkvalue, packetdate, ...order } = assistOrderFields(merchant, payment, approval?.authorizationCode ?? '');
  const card = cardFields(payment);
  const last = operations[operations.length - 1];
  return {
    ...order,
    middlename: '',
    orderdate: packetDate(payment.createdAt),
    message: messageOf(last),
    ...card,
    protocoltypename: payment.threeDSecure === null ? 'NET' : '3-D Secure',
    processingname: last?.adapterCode ?? '',
    packetdate,
    signature: '',
    checkvalue,
    operations: operations.map((o, i) => operationRecord(payment, o, i, card)),
  };
}

function cardFields(payment: Payment): Record<string, string> {
  const c = payment.card;
  return {
    meantypename: c === null ? '' : cardBrandLabel(c.brand).toUpperCase(),
    meannumber: c === null ? '' : `${c.bin}****${c.last4}`,
    cardholder: '',
    cardexpirationdate: c === null ? '' : `${String(c.expMonth).padStart(2, '0')}/${String(c.expYear % 100).padStart(2, '0')}`,
    issuebank: c === null ? '' : UNKNOWN,
    bankcountry: c === null ? '' : UNKNOWN,
  };
}

function operationRecord(payment: Payment, o: AssistOperationFacts, index: number, card: Record<string, string>): AssistRecord {
  return {
    billnumber: `${payment.id}.${index + 1}`,
    operationtype: OPERATION_TYPES[o.kind] ?? '',
    operationstate: o.status === 'succeeded' ? 'Success' : o.status === 'pending' || o.status === 'action_required' ? 'In Process' : 'Fail',
    amount: formatAssistAmount(o.amount, o.currency),
    currency: o.currency,
    ...card,
    responsecode:
      o.status === 'succeeded'
        ? 'AS000'
        : o.status === 'pending' || o.status === 'action_required'
          ? 'AS300'
          : assistResponseCode({ status: 'declined', amount: 0, amountCaptured: 0, failureCode: o.failureCode }),
    message: messageOf(o),
    approvalcode: o.authorizationCode ?? '',
    protocoltypename: payment.threeDSecure === null ? 'NET' : '3-D Secure',
    processingname: o.adapterCode,
    operationdate: packetDate(o.createdAt),
  };
}

function messageOf(o: AssistOperationFacts | undefined): string {
  if (o === undefined) return '';
  if (o.status === 'succeeded') return 'Success';
  if (o.status === 'pending' || o.status === 'action_required') return 'In process';
  return o.failureMessage ?? 'Declined';
}
