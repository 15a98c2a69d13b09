import { injectable } from 'tsyringe';
import { Queryable, forUpdate } from '../db/database';
import { newId } from '../ids/ids';
import { toMinorUnits } from '../money/money';
import { BankOperationKind, SettledBankResult } from './bank-adapter';

/** `action_required`: the bank holds the authorization until the buyer authenticates (3-D Secure). */
/** The failure code of a held operation whose buyer did not finish in time (and of its payment). */
export const EXPIRED_ACTION_CODE = 'action_expired';

export type BankOperationStatus = 'pending' | 'action_required' | 'succeeded' | 'declined' | 'failed';

/**
 * One request Tender sent (or is about to send) to a bank. Written as `pending`
 * before the bank is asked, so a crash mid-request leaves a row the reconciler
 * finds and settles; its id is the reference the bank sees.
 */
export interface BankOperation {
  readonly id: string;
  readonly paymentId: string;
  readonly refundId: string | null;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly kind: BankOperationKind;
  readonly adapterCode: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: BankOperationStatus;
  readonly authorizationCode: string | null;
  readonly rrn: string | null;
  readonly bankReference: string | null;
  readonly rawCode: string | null;
  readonly failureCode: string | null;
  readonly tries: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

function fromRow(row: Record<string, unknown>): BankOperation {
  const opt = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return {
    id: String(row.id),
    paymentId: String(row.payment_id),
    refundId: opt(row.refund_id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    kind: row.kind as BankOperationKind,
    adapterCode: String(row.adapter_code),
    amount: toMinorUnits(row.amount),
    currency: String(row.currency),
    status: row.status as BankOperationStatus,
    authorizationCode: opt(row.authorization_code),
    rrn: opt(row.rrn),
    bankReference: opt(row.bank_reference),
    rawCode: opt(row.raw_code),
    failureCode: opt(row.failure_code),
    tries: Number(row.tries),
    createdAt: toMinorUnits(row.created_at),
    updatedAt: toMinorUnits(row.updated_at),
  };
}

@injectable()
export class BankOperationRepository {
  async create(
    q: Queryable,
    input: {
      paymentId: string;
      refundId?: string;
      merchantId: string;
      livemode: boolean;
      kind: BankOperationKind;
      adapterCode: string;
      amount: number;
      currency: string;
    },
    now: number,
    /** An authorization's route: the operation row is also its attempt (PaymentAttemptRepository). */
    route?: { readonly connectionId: string | null; readonly bankCode: string; readonly reason: string },
  ): Promise<BankOperation> {
    const row = {
      id: newId('op'),
      payment_id: input.paymentId,
      refund_id: input.refundId ?? null,
      merchant_id: input.merchantId,
      livemode: input.livemode,
      kind: input.kind,
      adapter_code: input.adapterCode,
      amount: input.amount,
      currency: input.currency,
      status: 'pending',
      tries: 1,
      created_at: now,
      updated_at: now,
    };
    await q('bank_operations').insert(
      route === undefined ? row : { ...row, connection_id: route.connectionId, bank_code: route.bankCode, route_reason: route.reason.slice(0, 500) },
    );
    return fromRow(row);
  }

  async find(q: Queryable, id: string, options: { lock?: boolean } = {}): Promise<BankOperation | undefined> {
    const query = q('bank_operations').where({ id }).first();
    const row = await (options.lock === true ? forUpdate(q, query) : query);
    return row === undefined ? undefined : fromRow(row);
  }

  /** The approved authorization (or sale) of a payment: what captures, voids and refunds refer to. */
  async findApprovedAuthorization(q: Queryable, paymentId: string): Promise<BankOperation | undefined> {
    const row = await q('bank_operations')
      .where({ payment_id: paymentId, status: 'succeeded' })
      .whereIn('kind', ['authorize', 'sale'])
      .orderBy('seq', 'desc')
      .first();
    return row === undefined ? undefined : fromRow(row);
  }

  /** The authorization the bank holds while the buyer authenticates (3-D Secure). */
  async findHeldForAction(q: Queryable, paymentId: string): Promise<BankOperation | undefined> {
    const row = await q('bank_operations').where({ payment_id: paymentId, status: 'action_required' }).orderBy('seq', 'desc').first();
    return row === undefined ? undefined : fromRow(row);
  }

  async listForPayment(q: Queryable, paymentId: string): Promise<BankOperation[]> {
    const rows = await q('bank_operations').where({ payment_id: paymentId }).orderBy('seq', 'asc');
    return rows.map(fromRow);
  }

  /** Pending operations older than `before`: the reconciler's work list, oldest first. */
  async listStalePending(q: Queryable, before: number, limit: number): Promise<BankOperation[]> {
    const rows = await q('bank_operations').where('status', 'pending').andWhere('updated_at', '<=', before).orderBy('updated_at', 'asc').limit(limit);
    return rows.map(fromRow);
  }

  /** Settles a pending operation; false (and no change) when it was no longer pending. */
  async settle(q: Queryable, op: BankOperation, result: SettledBankResult, now: number): Promise<boolean> {
    const changed = await q('bank_operations')
      .where({ id: op.id, status: 'pending' })
      .update({ ...settledOperationPatch(result), updated_at: now });
    return changed === 1;
  }

  /** Records that a try went unanswered; the operation stays pending for the reconciler. */
  async touchUnknown(q: Queryable, op: BankOperation, message: string, now: number): Promise<void> {
    await q('bank_operations')
      .where({ id: op.id, status: 'pending' })
      .update({ failure_message: message.slice(0, 500), updated_at: now });
  }

  /** The bank answered "authenticate first": not pending (the reconciler leaves it), not settled. */
  async holdForAction(q: Queryable, op: BankOperation, now: number): Promise<boolean> {
    const changed = await q('bank_operations').where({ id: op.id, status: 'pending' }).update({ status: 'action_required', updated_at: now });
    return changed === 1;
  }

  /** The buyer came back from the challenge: the operation is pending again until the bank answers. */
  async resumeAfterAction(q: Queryable, op: BankOperation, now: number): Promise<boolean> {
    const changed = await q('bank_operations').where({ id: op.id, status: 'action_required' }).update({ status: 'pending', updated_at: now });
    return changed === 1;
  }

  /**
   * The buyer did not finish a payment elsewhere in time: the held operation fails
   * with `action_expired`. False when it was no longer held (a notification won).
   */
  async expireHeld(q: Queryable, op: BankOperation, now: number): Promise<boolean> {
    const changed = await q('bank_operations').where({ id: op.id, status: 'action_required' }).update({
      status: 'failed',
      failure_code: EXPIRED_ACTION_CODE,
      failure_message: 'The buyer did not complete the payment before it expired.',
      updated_at: now,
    });
    return changed === 1;
  }

  /** A payment made after its expiry is accepted: the expired operation is pending again until the late answer is applied. */
  async reopenExpired(q: Queryable, op: BankOperation, now: number): Promise<boolean> {
    const changed = await q('bank_operations')
      .where({ id: op.id, status: 'failed', failure_code: EXPIRED_ACTION_CODE })
      .update({ status: 'pending', failure_code: null, failure_message: null, updated_at: now });
    return changed === 1;
  }

  /** A payment made after expiry was sent back: later copies of its notification find nothing to do. */
  async markLateReturned(q: Queryable, op: BankOperation, now: number): Promise<void> {
    await q('bank_operations')
      .where({ id: op.id, status: 'failed', failure_code: EXPIRED_ACTION_CODE })
      .update({ failure_code: 'late_payment_returned', failure_message: 'Paid after it had expired or closed; the money was returned.', updated_at: now });
  }

  /** Counts one more try before the reconciler asks the bank again. */
  async markRetry(q: Queryable, op: BankOperation, now: number): Promise<void> {
    await q('bank_operations')
      .where({ id: op.id, status: 'pending' })
      .update({ tries: op.tries + 1, updated_at: now });
  }
}

/** The columns a settled answer writes on its operation (also written by the MySQL settling UPDATE, payments/settling-update.ts). */
export function settledOperationPatch(result: SettledBankResult): Record<string, string | null> {
  return result.kind === 'approved'
    ? { status: 'succeeded', authorization_code: result.authorizationCode ?? null, rrn: result.rrn ?? null, bank_reference: result.bankReference ?? null }
    : result.kind === 'declined'
      ? { status: 'declined', raw_code: result.rawCode, failure_code: result.reason, failure_message: result.message.slice(0, 500) }
      : { status: 'failed', raw_code: result.rawCode ?? null, failure_code: result.reason, failure_message: result.message.slice(0, 500) };
}
