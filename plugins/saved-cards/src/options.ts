import { z } from 'zod';

/** Comma-separated whole days, e.g. "1,3,5" (the variable's text; the schema keeps it as text). */
const dayList = z.string().regex(/^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$/, 'a comma-separated list of whole days, e.g. "1,3,5"');

/**
 * The plugin's options (`TENDER_PLUGIN_SAVED_CARDS_<OPTION>`, or `plugins["saved-cards"]`
 * in TENDER_CONFIG_FILE).
 *
 * @example
 * ```
 * TENDER_PLUGIN_SAVED_CARDS_REQUIRE_CVC=true
 * TENDER_PLUGIN_SAVED_CARDS_EXPIRING_NOTICE_DAYS=45
 * ```
 */
export const savedCardsOptions = z.object({
  /** Buyer-present payments with a saved card ask the CVC again on the hosted page. */
  requireCvc: z.boolean().default(false),
  /** The version of the consent text the hosted page shows; recorded with every consent. Change it when you change the text. */
  consentTextVersion: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,40}$/)
    .default('2026-12-01'),
  /** Days after a soft decline when a schedule's charge is retried (schedules). */
  retryDays: dayList.default('1,3,5'),
  /** How many days before a saved card expires the `card.expiring` event and e-mail go out. */
  expiringNoticeDays: z.number().int().min(1).max(365).default(30),
  /** Schedules: days before a charge the customer is e-mailed about it; 0: never. */
  upcomingNoticeDays: z.number().int().min(0).max(30).default(3),
  /** The amount (minor units) of the verification authorization a setup attempt makes when the bank cannot verify with zero. */
  verificationAmount: z.number().int().min(0).max(100_000).default(100),
  /** How often (ms) the expiry job looks for cards to announce. */
  expiryScanIntervalMs: z.number().int().min(1000).max(86_400_000).default(3_600_000),
  /** How often (ms) approved setup verifications left by the hosted page are voided. */
  setupSweepIntervalMs: z.number().int().min(200).max(3_600_000).default(5000),
});

export type SavedCardsOptions = z.infer<typeof savedCardsOptions>;

/** The DI token of the plugin's parsed options. */
export const SAVED_CARDS_OPTIONS = Symbol('SavedCardsOptions');
