import { z } from 'zod';

/** The plugin's options: how often idle points are expired (TENDER_PLUGIN_LOYALTY_EXPIRY_SCAN_INTERVAL_MS; 0: never). */
export const loyaltyOptions = z.object({
  expiryScanIntervalMs: z.number().int().min(0).max(86_400_000).default(3_600_000),
});
