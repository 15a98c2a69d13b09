import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { DependencyContainer } from 'tsyringe';
import { TenderError } from '../../errors/tender-error';
import { createMerchantSchema } from '../../merchants/merchant.service';
import { OnboardingService } from '../../merchants/onboarding.service';
import { parseInput } from '../validation';

/** Applications per client address per window: enough for a person, too few for a script. */
export const APPLICATION_RATE_LIMIT = { windowMs: 3600_000, limit: 20 } as const;

/**
 * A limiter for public sign-up endpoints, one per app so gateways in one process
 * (tests) do not share counts. In memory: a burst split across gateway processes
 * gets each process's allowance, which is acceptable for a sign-up form.
 */
export function applicationRateLimit(): ReturnType<typeof rateLimit> {
  return rateLimit({
    ...APPLICATION_RATE_LIMIT,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new TenderError('rate_limited', { message: 'Too many applications from this address; retry in an hour.' })),
  });
}

/**
 * POST /v1/applications: public (no key), rate-limited. The shop gets test keys at
 * once; they are in this response only.
 */
export function applicationRoutes(container: DependencyContainer): Router {
  const router = Router();
  const onboarding = container.resolve(OnboardingService);
  router.post('/applications', applicationRateLimit(), async (req, res) => {
    const input = parseInput(createMerchantSchema, req.body);
    res.status(201).json(await onboarding.apply(input));
  });
  return router;
}
