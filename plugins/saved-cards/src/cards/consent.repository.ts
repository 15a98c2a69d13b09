import { MerchantContext, Queryable, newId } from '@tender/core';
import { injectable } from 'tsyringe';
import { CardUsage, ConsentView } from './saved-card';

/** A buyer's consent to saving a card, as recorded when it was given. */
export interface NewConsent {
  readonly paymentId: string;
  readonly customerId: string;
  readonly usage: CardUsage;
  /** False: the page asked and the buyer did not tick the box. */
  readonly granted: boolean;
  readonly source: 'hosted_page' | 'api';
  /** The version of the text the buyer saw (hosted page); null for the API (the merchant collected it). */
  readonly textVersion: string | null;
  readonly locale: string | null;
  readonly ip: string | null;
}

/** One consent row in the customer's export. */
export interface ConsentRecord extends ConsentView {
  readonly id: string;
  readonly payment: string;
  readonly payment_method: string | null;
  readonly usage: CardUsage;
  readonly granted: boolean;
  readonly locale: string | null;
}

function consentView(row: Record<string, unknown>): ConsentView {
  return {
    source: row.source === 'hosted_page' ? 'hosted_page' : 'api',
    text_version: row.text_version === null || row.text_version === undefined ? null : String(row.text_version),
    recorded_at: new Date(Number(row.recorded_at)).toISOString(),
    ip: row.ip === null || row.ip === undefined ? null : String(row.ip),
  };
}

/**
 * `card_consents`: recorded in the confirm transaction of the payment that asks to
 * save the card (before the bank answers), tied to the saved card when the payment
 * succeeds.
 */
@injectable()
export class ConsentRepository {
  async insert(q: Queryable, ctx: MerchantContext, consent: NewConsent, now: number): Promise<void> {
    await q('card_consents').insert({
      id: newId('cons'),
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      payment_method_id: null,
      payment_id: consent.paymentId,
      customer_id: consent.customerId,
      usage: consent.usage,
      granted: consent.granted,
      source: consent.source,
      text_version: consent.textVersion,
      locale: consent.locale,
      ip: consent.ip,
      recorded_at: now,
    });
  }

  /**
   * What the payment's latest consent says: 'granted', 'declined' (the page asked, the
   * box stayed unticked), 'saved' (granted and the card saved already) or undefined (none recorded).
   */
  async stateForPayment(q: Queryable, ctx: MerchantContext, paymentId: string): Promise<'granted' | 'declined' | 'saved' | undefined> {
    const row = await q('card_consents').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId }).orderBy('seq', 'desc').first();
    if (row === undefined) return undefined;
    if (!row.granted) return 'declined';
    return row.payment_method_id === null ? 'granted' : 'saved';
  }

  /** The usage the payment's latest granted consent gave. */
  async grantedUsage(q: Queryable, ctx: MerchantContext, paymentId: string): Promise<CardUsage | undefined> {
    const row = await q('card_consents')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId, granted: true })
      .orderBy('seq', 'desc')
      .first();
    if (row === undefined) return undefined;
    return row.usage === 'off_session' ? 'off_session' : 'on_session';
  }

  /** The card the payment's granted consent saved, if any. */
  async paymentMethodOf(q: Queryable, ctx: MerchantContext, paymentId: string): Promise<string | null> {
    const row = await q('card_consents')
      .select('payment_method_id')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId, granted: true })
      .whereNotNull('payment_method_id')
      .first();
    return row === undefined ? null : String(row.payment_method_id);
  }

  /** Ties the payment's consents to the card they saved. */
  async attach(q: Queryable, ctx: MerchantContext, paymentId: string, paymentMethodId: string): Promise<void> {
    await q('card_consents')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId, granted: true })
      .whereNull('payment_method_id')
      .update({ payment_method_id: paymentMethodId });
  }

  /** The latest consent of each of these cards. */
  async latestFor(q: Queryable, ctx: MerchantContext, paymentMethodIds: readonly string[]): Promise<Map<string, ConsentView>> {
    const out = new Map<string, ConsentView>();
    if (paymentMethodIds.length === 0) return out;
    const rows = await q('card_consents')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, granted: true })
      .whereIn('payment_method_id', [...paymentMethodIds])
      .orderBy('seq', 'asc');
    for (const row of rows) out.set(String(row.payment_method_id), consentView(row));
    return out;
  }

  /** Every consent the customer gave (the export). */
  async listForCustomer(q: Queryable, ctx: MerchantContext, customerId: string): Promise<ConsentRecord[]> {
    const rows = await q('card_consents').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, customer_id: customerId }).orderBy('seq', 'asc');
    return rows.map((row: Record<string, unknown>) => ({
      id: String(row.id),
      payment: String(row.payment_id),
      payment_method: row.payment_method_id === null ? null : String(row.payment_method_id),
      usage: row.usage === 'off_session' ? 'off_session' : 'on_session',
      granted: Boolean(row.granted),
      locale: row.locale === null ? null : String(row.locale),
      ...consentView(row),
    }));
  }

  /** Erasure: the IP addresses go; when and under which text version stays, without anything that names the person. */
  async forgetAddresses(q: Queryable, ctx: MerchantContext, customerId: string): Promise<void> {
    await q('card_consents').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, customer_id: customerId }).update({ ip: null });
  }
}
