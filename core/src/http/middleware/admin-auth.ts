import { createHash, timingSafeEqual } from 'node:crypto';
import { RequestHandler } from 'express';
import { TenderError } from '../../errors/tender-error';

/** The operator's bearer token, compared in constant time. */
export function adminAuth(adminToken: string): RequestHandler {
  const expected = createHash('sha256').update(adminToken).digest();
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null || match[1] === undefined)
      throw new TenderError('authentication_required', { message: 'Send the operator token as "Authorization: Bearer <token>".' });
    const given = createHash('sha256').update(match[1]).digest();
    if (!timingSafeEqual(given, expected)) throw new TenderError('api_key_invalid', { message: 'The operator token is not valid.' });
    next();
  };
}
