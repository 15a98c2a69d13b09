import { Request, RequestHandler, Response } from 'express';
import { TenderError } from '../../errors/tender-error';
import { ApiKeyService, AuthenticatedKey } from '../../merchants/api-keys';
import { Payment } from '../../payments/payment';
import { isPathId } from '../validation';

/**
 * Authenticates `Authorization: Bearer sk_...` and puts the caller in res.locals.
 *
 * A confirm (`POST /payments/:id/confirm`, the busiest request) reads its payment in
 * the key's own statement (ApiKeyService.authenticateWithPayment), joined on the key's
 * merchant and mode; the route takes it with `paymentReadWithKey` instead of reading it
 * again.
 */
export function merchantAuth(apiKeys: ApiKeyService): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null || match[1] === undefined) throw new TenderError('authentication_required');
    const paymentId = confirmedPaymentId(req);
    let who: AuthenticatedKey;
    if (paymentId === undefined) who = await apiKeys.authenticate(match[1]);
    else {
      const read = await apiKeys.authenticateWithPayment(match[1], paymentId);
      who = read.who;
      if (read.payment !== undefined) res.locals.paymentReadWithKey = read.payment;
    }
    if (who.kind !== 'secret') throw new TenderError('api_key_wrong_kind');
    res.locals.merchant = who;
    next();
  };
}

export function callerOf(res: Response): AuthenticatedKey {
  const who = res.locals.merchant as AuthenticatedKey | undefined;
  if (who === undefined) throw new Error('merchantAuth did not run for this route');
  return who;
}

/**
 * The payment `id` as merchantAuth read it with the request's key, or undefined (not
 * a confirm, or no such payment for this caller: the route reads it and answers 404).
 */
export function paymentReadWithKey(res: Response, id: string): Payment | undefined {
  const payment = res.locals.paymentReadWithKey as Payment | undefined;
  return payment?.id === id ? payment : undefined;
}

const CONFIRM_PATH = /^\/payments\/([^/]+)\/confirm\/?$/;

/** The payment a well-formed confirm names; anything else is left to its route (and its 400). */
function confirmedPaymentId(req: Request): string | undefined {
  if (req.method !== 'POST') return undefined;
  const id = CONFIRM_PATH.exec(req.path)?.[1];
  return id !== undefined && isPathId('pay', id) ? id : undefined;
}
