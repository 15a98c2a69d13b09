import { RequestHandler, Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { TenderError } from '../errors/tender-error';
import { RateCounter } from '../attempts/rate-counter';
import { rateLimitHandler } from '../attempts/rate-limit-handler';
import { clientAddressSubject } from '../attempts/client-address';
import { ApiKeyService, AuthenticatedKey } from '../merchants/api-keys';
import { parseInput } from '../http/validation';
import { CardTokenService } from './card-token.service';
import { cardTokenView } from './card-token.repository';

/**
 * Tokens per client address per minute: a buyer retrying a typo is far below; card
 * testing is not. Counted in the database (`rate_counters`), so N gateway processes
 * keep one limit between them.
 */
export const TOKEN_RATE_LIMIT = { name: 'token_address', windowMs: 60_000, limit: 30 } as const;

/** POST /v1/tokens: the card's fields (checked by parseCardInput) and the shop origin. */
export const createTokenSchema = z
  .object({
    card: z.object({ number: z.unknown(), exp_month: z.unknown(), exp_year: z.unknown(), cvc: z.unknown(), holder_name: z.unknown() }).strict(),
    origin: z.string().max(200).optional(),
  })
  .strict();

/**
 * POST /v1/tokens, authenticated with a publishable key (`Authorization: Bearer
 * pk_...`): the only merchant API route a browser may call. The gateway sends no
 * CORS headers, so in a browser only gateway-origin documents (the embedded
 * fields' frames) can call it; the shop's page cannot read an answer. Mounted
 * before merchantAuth, which takes secret keys only.
 */
export function tokenRoutes(container: DependencyContainer): Router {
  const router = Router();
  const keys = container.resolve(ApiKeyService);
  const tokens = container.resolve(CardTokenService);
  router.post('/tokens', tokenRateLimit(container), async (req, res) => {
    const key = await publishableKeyOf(keys, req.headers.authorization);
    const input = parseInput(createTokenSchema, req.body);
    const token = await tokens.create(key, { card: input.card, origin: input.origin });
    res.status(201).json(cardTokenView(token));
  });
  return router;
}

/**
 * Counts every POST /v1/tokens per client address (before the key is checked, so
 * guessing keys is braked too) in the shared rate counters: one conditional UPDATE per
 * request, whichever process serves it.
 */
function tokenRateLimit(container: DependencyContainer): RequestHandler {
  return rateLimitHandler(
    container.resolve(RateCounter),
    TOKEN_RATE_LIMIT,
    (req) => clientAddressSubject(req.ip),
    'Too many card tokens from this address; retry in a minute.',
  );
}

async function publishableKeyOf(keys: ApiKeyService, header: string | undefined): Promise<AuthenticatedKey> {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null || match[1] === undefined) throw new TenderError('authentication_required');
  const who = await keys.authenticate(match[1]);
  if (who.kind !== 'publishable')
    throw new TenderError('api_key_wrong_kind', {
      message: "Card tokens are created with a publishable key (pk_...), in the buyer's browser; a secret key never goes there.",
    });
  return who;
}
