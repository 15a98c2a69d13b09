import { RequestHandler } from 'express';
import { MerchantStanding } from '../../merchants/merchant-standing';
import { callerOf } from './merchant-auth';

/** After merchantAuth: refuses suspended merchants, and test requests once test mode has expired. */
export function merchantStandingCheck(standing: MerchantStanding): RequestHandler {
  return async (req, res, next) => {
    await standing.assertMayUse(callerOf(res), { accountRoute: req.path.startsWith('/account/') });
    next();
  };
}
