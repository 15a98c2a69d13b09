import { RequestHandler, Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { RateCounter } from '../../attempts/rate-counter';
import { rateLimitHandler } from '../../attempts/rate-limit-handler';
import { clientAddressSubject } from '../../attempts/client-address';
import { createMerchantSchema } from '../../merchants/merchant.service';
import { OnboardingService } from '../../merchants/onboarding.service';
import { parseInput } from '../validation';

/** Applications per client address per window: enough for a person, too few for a script. */
export const APPLICATION_RATE_LIMIT = { windowMs: 3600_000, limit: 20 } as const;

/**
 * The limiter of the public sign-up endpoints (POST /v1/applications, POST /signup):
 * counted in the database (RateCounter), so a burst split across gateway processes
 * gets one allowance, not one per process. Both endpoints count together per address.
 */
export function applicationRateLimit(container: DependencyContainer): RequestHandler {
  return rateLimitHandler(
    container.resolve(RateCounter),
    { name: 'signup_address', ...APPLICATION_RATE_LIMIT },
    (req) => clientAddressSubject(req.ip),
    'Too many applications from this address; retry in an hour.',
  );
}

/**
 * POST /v1/applications: public (no key), rate-limited. The shop gets test keys at
 * once; they are in this response only.
 */
export function applicationRoutes(container: DependencyContainer): Router {
  const router = Router();
  const onboarding = container.resolve(OnboardingService);
  router.post('/applications', applicationRateLimit(container), async (req, res) => {
    const input = parseInput(createMerchantSchema, req.body);
    res.status(201).json(await onboarding.apply(input));
  });
  return router;
}
