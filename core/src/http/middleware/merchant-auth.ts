import { RequestHandler, Response } from 'express';
import { TenderError } from '../../errors/tender-error';
import { ApiKeyService, AuthenticatedKey } from '../../merchants/api-keys';

/** Authenticates `Authorization: Bearer sk_...` and puts the caller in res.locals. */
export function merchantAuth(apiKeys: ApiKeyService): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null || match[1] === undefined) throw new TenderError('authentication_required');
    const who = await apiKeys.authenticate(match[1]);
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
