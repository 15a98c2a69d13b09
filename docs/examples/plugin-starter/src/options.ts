import { MAX_AMOUNT, findCurrency } from '@tender/core';
import { z } from 'zod';

/**
 * The starter's options: a zod object, one key per option. The operator sets them in
 * TENDER_CONFIG_FILE (`"plugins": { "starter": { ... } }`) or as variables
 * `TENDER_PLUGIN_STARTER_<OPTION>` (the short name of `tender-plugin-starter` is
 * `starter`; `maxVoucherAmount` becomes `MAX_VOUCHER_AMOUNT`). The gateway checks
 * them before it opens the database and names the plugin and the option in its error.
 *
 * | option | variable | default |
 * |---|---|---|
 * | `maxVoucherAmount` | `TENDER_PLUGIN_STARTER_MAX_VOUCHER_AMOUNT` | `5000000` (minor units) |
 * | `currencies` | `TENDER_PLUGIN_STARTER_CURRENCIES` (comma-separated) | `RUB` |
 * | `preferredBanks` | `TENDER_PLUGIN_STARTER_PREFERRED_BANKS` (comma-separated bank codes) | none |
 *
 * @example
 * ```sh
 * TENDER_PLUGIN_STARTER_CURRENCIES=RUB,EUR TENDER_PLUGIN_STARTER_PREFERRED_BANKS=alfa tender start
 * ```
 */
export const starterOptions = z
  .object({
    /** The largest voucher a merchant may issue, in minor units of its currency. */
    maxVoucherAmount: z.number().int().positive().max(MAX_AMOUNT).default(5_000_000),
    /** The currencies vouchers are issued in; the page offers vouchers only for payments in these. */
    currencies: z
      .array(z.string().refine((code) => findCurrency(code) !== undefined, 'must be an ISO 4217 code this gateway knows'))
      .min(1)
      .max(20)
      .default(['RUB']),
    /** Bank codes the `starter-preferred-banks` routing strategy tries first, in this order. */
    preferredBanks: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a bank code'))
      .max(20)
      .default([]),
  })
  .strict();

export type StarterOptions = z.output<typeof starterOptions>;
