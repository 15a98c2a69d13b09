import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '../../db/database';
import { TenderError } from '../../errors/tender-error';
import { MerchantContext } from '../../merchants/merchant-context';
import { EventView, eventView } from './event-view';

export interface EventListFilter {
  /** An exact type or `<prefix>.*`. */
  readonly type?: string | undefined;
  readonly objectId?: string | undefined;
  readonly limit: number;
  readonly startingAfter?: string | undefined;
}

/**
 * Reads the outbox as the merchant's event log, newest first, paged by `seq` like
 * payments.
 *
 * @example
 * ```ts
 * const page = await events.list(ctx, { type: 'payment.*', limit: 10 });
 * ```
 */
@injectable()
export class EventRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  async retrieve(ctx: MerchantContext, id: string): Promise<EventView> {
    const row = await this.db('events').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    if (row === undefined) throw new TenderError('resource_not_found', { param: 'id', message: `No such event: ${id}.` });
    return eventView(row);
  }

  async list(ctx: MerchantContext, filter: EventListFilter): Promise<{ events: EventView[]; hasMore: boolean }> {
    const query = this.db('events').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode });
    if (filter.type !== undefined) {
      if (filter.type.endsWith('.*')) query.andWhere('type', 'like', `${filter.type.slice(0, -1)}%`);
      else query.andWhere('type', filter.type);
    }
    if (filter.objectId !== undefined) query.andWhere('object_id', filter.objectId);
    if (filter.startingAfter !== undefined) {
      const cursor = await this.db('events').select('seq').where({ id: filter.startingAfter, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
      if (cursor === undefined) throw new TenderError('resource_not_found', { param: 'starting_after', message: `No such event: ${filter.startingAfter}.` });
      query.andWhere('seq', '<', cursor.seq);
    }
    const rows = await query.orderBy('seq', 'desc').limit(filter.limit + 1);
    return { events: rows.slice(0, filter.limit).map(eventView), hasMore: rows.length > filter.limit };
  }
}
