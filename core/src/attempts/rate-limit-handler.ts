import { Request, RequestHandler } from 'express';
import { TenderError } from '../errors/tender-error';
import { RateCounter, RateLimit } from './rate-counter';

/**
 * Express middleware for one plain rate limit counted in the shared `rate_counters`
 * (RateCounter), so N gateway processes keep one limit: a request within the limit
 * goes on; one over it gets `429 rate_limited` with `message` and a `Retry-After` of
 * the whole window (the counter does not say how much of it is left).
 *
 * @example
 * ```ts
 * router.post('/tokens', rateLimitHandler(counter, { name: 'token_address', limit: 30, windowMs: 60_000 }, (req) => clientAddressSubject(req.ip), 'Too many card tokens; retry in a minute.'), handler);
 * ```
 */
export function rateLimitHandler(counter: RateCounter, limit: RateLimit, subjectOf: (req: Request) => string, message: string): RequestHandler {
  return (req, res, next) => {
    counter.hit(limit, subjectOf(req)).then((allowed) => {
      if (allowed) {
        next();
        return;
      }
      res.setHeader('Retry-After', String(Math.ceil(limit.windowMs / 1000)));
      next(new TenderError('rate_limited', { message }));
    }, next);
  };
}
