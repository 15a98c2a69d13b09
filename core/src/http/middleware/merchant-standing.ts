import { Request, RequestHandler } from 'express';
import { MerchantStanding } from '../../merchants/merchant-standing';
import { callerOf } from './merchant-auth';

/**
 * After merchantAuth: refuses suspended merchants, and test requests once test mode
 * has expired, before the route runs; what gives money back (reading payments and
 * refunds, cancel, refund) stays open. Nothing that takes money depends on this: the
 * payment services enforce the standing themselves (MerchantStanding), on every path.
 */
export function merchantStandingCheck(standing: MerchantStanding): RequestHandler {
  return (req, res, next) => {
    standing.assertMayUse(callerOf(res), { accountRoute: req.path.startsWith('/account/'), releaseRoute: releasesMoney(req) });
    next();
  };
}

/** Reads of payments and refunds, a payment's cancel, a refund: an allow-list, so a new route is refused by default. */
function releasesMoney(req: Request): boolean {
  if (req.method === 'GET') return /^\/(payments|refunds)(\/|$)/.test(req.path);
  return req.method === 'POST' && (/^\/payments\/[^/]+\/cancel$/.test(req.path) || req.path === '/refunds');
}
