import { z } from 'zod';
import { SAMPLE_PLAN_FILE } from './numbering/numbering-plan-file';

/** The plugin's options (TENDER_PLUGIN_TOP_UP_<OPTION>); the business settings are in the admin API. */
export const topUpOptions = z.object({
  /** The numbering plan CSV (register format); default: the small sample shipped with the package. */
  numberingPlanFile: z.string().min(1).default(SAMPLE_PLAN_FILE),
  /** How often the delivery job looks for paid top-ups; 0 turns it off (tests drive it). */
  deliveryIntervalMs: z.number().int().min(0).default(1000),
  /** A provider call that has not answered by then counts as "unknown" (asked about later, never resent blindly). */
  providerTimeoutMs: z.number().int().min(100).max(120000).default(15000),
  /** How long a worker's claim on a top-up lasts; must exceed providerTimeoutMs. */
  leaseMs: z.number().int().min(1000).default(60000),
  /** Wait before asking again about an unknown or pending top-up, or retrying a refund. */
  retryMs: z.number().int().min(0).default(10000),
  /** Top-ups one IP address may open in an hour (each opens a payment); refused ones do not count. */
  createsPerAddressPerHour: z.number().int().min(1).default(30),
  /** The sandbox provider: how long `...0003` holds its answer, and after how long `...0004` is settled. */
  sandboxHangMs: z.number().int().min(0).default(60000),
  sandboxLaterMs: z.number().int().min(0).default(5000),
});

export type TopUpOptions = z.output<typeof topUpOptions>;
