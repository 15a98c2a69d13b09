import { z } from 'zod';

/**
 * The e-wallet plugin's options (TENDER_PLUGIN_E_WALLET_<OPTION>): how long a
 * wallet payment may be paid (`ttlMinutes`), the currencies offered
 * (`currencies`), the sandbox wallet (`sandbox`) and the key its notifications
 * are signed with (`sandboxSecret`, at least 32 characters; unset: random per process).
 */
export const eWalletOptions = z.object({
  ttlMinutes: z.number().int().min(1).max(1440).default(30),
  currencies: z
    .array(z.string().regex(/^[A-Z]{3}$/))
    .min(1)
    .default(['RUB']),
  sandbox: z.boolean().default(true),
  sandboxSecret: z.string().min(32).max(200).optional(),
});

export type EWalletOptions = z.output<typeof eWalletOptions>;
