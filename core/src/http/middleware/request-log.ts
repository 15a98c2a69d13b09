import { randomUUID } from 'node:crypto';
import { Request, RequestHandler, Response } from 'express';
import { Logger } from '../../logging/logger';
import { redactPath } from '../../logging/path-redaction';
import { withRequestId } from '../../observability/request-context';

/** What a handler learned about the request that its log line should carry. */
export interface RequestLogFields {
  merchantId?: string;
  paymentId?: string;
}

const FIELDS = 'requestLogFields';
const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Tells the request log which merchant and payment this request was about, when
 * the path does not say it (a payment page found by its token, a payment just created).
 *
 * @example
 * ```ts
 * noteRequest(res, { merchantId: payment.merchantId, paymentId: payment.id });
 * ```
 */
export function noteRequest(res: Response, fields: RequestLogFields): void {
  const current = (res.locals[FIELDS] ?? {}) as RequestLogFields;
  res.locals[FIELDS] = { ...current, ...fields };
}

/** The full path of the request (mount path included, whatever router is answering), secrets redacted, no query. */
export function loggedPathOf(req: Request): string {
  return redactPath(req.originalUrl);
}

/** The request id of this request (set by requestLog). */
export function requestIdOf(res: Response): string | undefined {
  const id = res.getHeader('X-Request-Id');
  return typeof id === 'string' ? id : undefined;
}

/**
 * One log line per request: request id, method, full path with secret tokens
 * redacted, status, duration, and the merchant and payment when known. The id is the
 * caller's `X-Request-Id` when it is sane (1 to 64 letters, digits, `.`, `_`, `:`,
 * `-`), else a fresh UUID, and is echoed in the `X-Request-Id` and `Request-Id`
 * response headers. Bodies and query strings are never logged; they may carry card data.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    res.setHeader('Request-Id', id);
    // Building the line costs CPU on the hot path; skip it when nobody reads it.
    if (!logger.isLevelEnabled('info')) {
      withRequestId(id, next);
      return;
    }
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = loggedPathOf(req);
      const known = { ...fromLocals(res), ...((res.locals[FIELDS] ?? {}) as RequestLogFields) };
      const merchantId = known.merchantId ?? /\/(mer_[0-9A-Za-z]{1,40})(?:\/|$)/.exec(path)?.[1];
      const paymentId = known.paymentId ?? /\/(pay_[0-9A-Za-z]{1,40})(?:[/.]|$)/.exec(path)?.[1];
      logger.info(
        {
          request_id: id,
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          ...(merchantId === undefined ? {} : { merchant_id: merchantId }),
          ...(paymentId === undefined ? {} : { payment_id: paymentId }),
        },
        'request',
      );
    });
    // Every line logged while the request is served carries its id (the logger's mixin).
    withRequestId(id, next);
  };
}

/** The merchant an API key or a dashboard session authenticated, if any. */
function fromLocals(res: Response): RequestLogFields {
  const key = res.locals.merchant as { merchantId?: unknown } | undefined;
  if (typeof key?.merchantId === 'string') return { merchantId: key.merchantId };
  const principal = res.locals.webPrincipal as { merchantId?: unknown } | undefined;
  if (typeof principal?.merchantId === 'string') return { merchantId: principal.merchantId };
  return {};
}
