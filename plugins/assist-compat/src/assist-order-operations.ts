import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, Payment, paymentFromRow, toMinorUnits } from '@tender/core';
import { AssistOperationFacts } from './answers/assist-order-record';
import { AssistPaging, pagingHead } from './answers/assist-paging';
import { AssistMerchant } from './assist-settings.service';

/** Which orders a listing holds: those of one order number, those created in [createdFrom, createdTo), or both at once. */
export interface AssistListing {
  readonly orderNumber?: string;
  readonly createdFrom?: number;
  readonly createdTo?: number;
}

/**
 * The reads behind the web-service answers, always within one Assist merchant's
 * merchant id and mode: pages of orders (oldest first) and their bank operations.
 *
 * @example
 * ```ts
 * const { payments, head } = await reads.page(merchant, { createdFrom, createdTo }, { page: 1, size: 1000 });
 * const byPayment = await reads.operationsOf(payments); // Map pay_... -> [{ kind: 'authorize', ... }]
 * ```
 */
@injectable()
export class AssistOrderOperations {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  async page(merchant: AssistMerchant, listing: AssistListing, paging: AssistPaging): Promise<{ payments: Payment[]; head: Record<string, number> }> {
    const query = () => {
      const q = this.db('payments').where({ merchant_id: merchant.merchantId, livemode: merchant.livemode });
      if (listing.orderNumber !== undefined) q.andWhere({ order_id: listing.orderNumber });
      if (listing.createdFrom !== undefined) q.andWhere('created_at', '>=', listing.createdFrom);
      if (listing.createdTo !== undefined) q.andWhere('created_at', '<', listing.createdTo);
      return q;
    };
    const total = Number((await query().count({ n: '*' }).first())?.n ?? 0);
    const rows = await query()
      .orderBy('seq', 'asc')
      .offset((paging.page - 1) * paging.size)
      .limit(paging.size);
    return { payments: rows.map(paymentFromRow), head: pagingHead(paging, total) };
  }

  async operationsOf(payments: readonly Payment[]): Promise<Map<string, AssistOperationFacts[]>> {
    const out = new Map<string, AssistOperationFacts[]>(payments.map((p) => [p.id, []]));
    const first = payments[0];
    if (first === undefined) return out;
    // One query per answer: every payment of an answer is the same merchant's, same mode.
    const rows = await this.db('bank_operations')
      .where({ merchant_id: first.merchantId, livemode: first.livemode })
      .whereIn(
        'payment_id',
        payments.map((p) => p.id),
      )
      .orderBy('seq', 'asc');
    for (const row of rows) {
      out.get(String(row.payment_id))?.push({
        kind: String(row.kind),
        status: String(row.status),
        amount: toMinorUnits(row.amount),
        currency: String(row.currency),
        adapterCode: String(row.adapter_code),
        authorizationCode: row.authorization_code ?? null,
        failureCode: row.failure_code ?? null,
        failureMessage: row.failure_message ?? null,
        createdAt: Number(row.created_at),
      });
    }
    return out;
  }
}
