import { z } from 'zod';
import { CardTokenView } from './card-token.repository';

/** The answer of POST /v1/tokens (the API description's schema of CardTokenView). */
export const cardTokenSchema = z
  .object({
    id: z.string().describe('tok_...: pays one payment, within expires_at.'),
    object: z.literal('token'),
    livemode: z.boolean(),
    card: z.object({ brand: z.string(), bin: z.string(), last4: z.string(), exp_month: z.number().int(), exp_year: z.number().int() }).strict(),
    created_at: z.string(),
    expires_at: z.string(),
    used: z.boolean(),
  })
  .strict();

// Compile-time check that the schema and the view agree (as response-schemas.ts does for the other views).
const viewMatches: (v: CardTokenView) => z.input<typeof cardTokenSchema> = (v) => v;
viewMatches;
