import { ErrorRequestHandler, RequestHandler } from 'express';
import { TenderError } from '../../errors/tender-error';
import { ConcurrentPaymentUpdateError } from '../../payments/payment.repository';
import { Logger, maskPans } from '../../logging/logger';
import { requestErrorOf } from '../body-parsing';
import { loggedPathOf, requestIdOf } from './request-log';

/**
 * Turns every error into the catalogue's JSON shape, with the request id as
 * `error.request_id`. Parser errors are answered
 * without their message: body-parser quotes the body it failed on, and that body
 * may hold a card number.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    _next;
    const tender = toTenderError(error);
    if (tender === undefined) {
      const message = error instanceof Error ? maskPans(error.message) : 'non-error thrown';
      logger.error(
        {
          request_id: res.getHeader('X-Request-Id'),
          method: req.method,
          path: loggedPathOf(req),
          error: message,
          stack: error instanceof Error ? maskPans(error.stack ?? '') : undefined,
        },
        'unhandled error',
      );
      res.status(500).json(withRequestId(new TenderError('internal_error'), requestIdOf(res)));
      return;
    }
    res.status(tender.status).json(withRequestId(tender, requestIdOf(res)));
  };
}

/** The catalogue's error object plus the request's id (also in the X-Request-Id header), to quote to the operator. */
function withRequestId(error: TenderError, requestId: string | undefined): { error: ReturnType<TenderError['toJSON']>['error'] & { request_id?: string } } {
  const body = error.toJSON();
  return requestId === undefined ? body : { error: { ...body.error, request_id: requestId } };
}

function toTenderError(error: unknown): TenderError | undefined {
  if (error instanceof ConcurrentPaymentUpdateError) return new TenderError('payment_operation_in_progress');
  return requestErrorOf(error);
}

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new TenderError('route_not_found', { message: `No such endpoint: ${req.method} ${(req.baseUrl + req.path).slice(0, 200)}.` }));
};
