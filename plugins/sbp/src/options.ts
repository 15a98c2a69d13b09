import { z } from 'zod';

/**
 * The SBP plugin's options (TENDER_PLUGIN_SBP_<OPTION>):
 * - `qrTtlMinutes`: how long a QR code can be paid (NSPK allows up to 72 hours for a
 *   dynamic QR; shops want minutes);
 * - `sandbox`: register the sandbox SBP bank (test mode);
 * - `sandboxSecret`: the key the sandbox bank signs its notifications with (at least
 *   32 characters); unset, a random one per process, which is enough unless a test
 *   or a tool outside the gateway sends sandbox notifications itself.
 */
export const sbpOptions = z.object({
  qrTtlMinutes: z.number().int().min(1).max(4320).default(15),
  sandbox: z.boolean().default(true),
  sandboxSecret: z.string().min(32).max(200).optional(),
});

export type SbpOptions = z.output<typeof sbpOptions>;
