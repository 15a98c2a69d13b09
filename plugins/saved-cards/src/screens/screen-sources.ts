import { MerchantContext } from '@tender/core';

/*
 * What the dashboard screens read and do, in the merchant API's own shapes (the
 * objects GET /v1/customers/... and /v1/schedules/... answer). The screens depend on
 * these narrow ports, not on the services behind them, so they render the same
 * objects the API shows and change nothing the API could not.
 */

/** A customer as the API shows it (personal fields null after erasure). */
export interface ScreenCustomer {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly phone: string | null;
  readonly description: string | null;
  readonly created_at: string;
}

/** A saved card as the API shows it: brand, last 4, expiry, the consent. Never more of the card. */
export interface ScreenPaymentMethod {
  readonly id: string;
  readonly customer: string;
  readonly card: { readonly brand: string; readonly last4: string; readonly exp_month: number; readonly exp_year: number };
  readonly usage: string;
  readonly consent: { readonly source: string; readonly text_version: string | null; readonly recorded_at: string; readonly ip: string | null } | null;
  readonly created_at: string;
}

/** A schedule as the API shows it. */
export interface ScreenSchedule {
  readonly id: string;
  readonly status: string;
  readonly customer: string;
  readonly payment_method: string;
  readonly amount: number;
  readonly currency: string;
  readonly interval: string;
  readonly interval_count: number;
  readonly next_charge_at: string | null;
  readonly charges_made: number;
  readonly description: string | null;
  readonly created_at: string;
}

/** One attempt of a schedule's charge, as the API's charges list shows it (oldest first). */
export interface ScreenScheduleCharge {
  readonly id: string;
  /** The period it charges, 1-based. */
  readonly period: number;
  /** 0 for the charge on its date, 1.. for the retries after a soft decline. */
  readonly attempt: number;
  readonly status: string;
  readonly payment: string | null;
  readonly failure_code: string | null;
  readonly failure_message: string | null;
  readonly due_at: string;
}

/** A page of a list, newest first; `startingAfter` of the next page is the last id. */
export interface ScreenPage<T> {
  readonly data: readonly T[];
  readonly hasMore: boolean;
}

/** The customers and their saved cards, scoped to one merchant and mode. */
export interface CustomerScreenSource {
  list(ctx: MerchantContext, filter: { readonly email?: string; readonly limit: number; readonly startingAfter?: string }): Promise<ScreenPage<ScreenCustomer>>;
  /** Undefined for an unknown customer or another merchant's (the screen answers 404 either way). */
  find(ctx: MerchantContext, id: string): Promise<ScreenCustomer | undefined>;
  /** The customer's active saved cards. */
  paymentMethods(ctx: MerchantContext, customerId: string): Promise<readonly ScreenPaymentMethod[]>;
  /** Deletes the card and its vault row; false when it is not this merchant's or already deleted. */
  deletePaymentMethod(ctx: MerchantContext, id: string): Promise<boolean>;
}

/** The schedules, scoped to one merchant and mode. */
export interface ScheduleScreenSource {
  list(
    ctx: MerchantContext,
    filter: { readonly customer?: string; readonly status?: string; readonly limit: number; readonly startingAfter?: string },
  ): Promise<ScreenPage<ScreenSchedule>>;
  find(ctx: MerchantContext, id: string): Promise<ScreenSchedule | undefined>;
  charges(ctx: MerchantContext, id: string): Promise<readonly ScreenScheduleCharge[]>;
  /** Cancels the schedule (its service records the event); false when it is not this merchant's. */
  cancel(ctx: MerchantContext, id: string): Promise<boolean>;
}

/** Both sources; the schedules one is absent until the schedules part is registered. */
export interface SavedCardScreenSources {
  readonly customers: CustomerScreenSource;
  readonly schedules?: ScheduleScreenSource;
}
