import { ErrorRequestHandler, RequestHandler } from 'express';
import { TenderError } from '../../errors/tender-error';
import { ConcurrentPaymentUpdateError } from '../../payments/payment.repository';
import { Logger, maskPans } from '../../logging/logger';

/**
 * Turns every error into the catalogue's JSON shape. Parser errors are answered
 * without their message: body-parser quotes the body it failed on, and that body
 * may hold a card number.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    void _next;
    const tender = toTenderError(error);
    if (tender === undefined) {
      const message = error instanceof Error ? maskPans(error.message) : 'non-error thrown';
      logger.error({ method: req.method, path: req.path, error: message, stack: error instanceof Error ? maskPans(error.stack ?? '') : undefined }, 'unhandled error');
      res.status(500).json(new TenderError('internal_error').toJSON());
      return;
    }
    res.status(tender.status).json(tender.toJSON());
  };
}

function toTenderError(error: unknown): TenderError | undefined {
  if (error instanceof TenderError) return error;
  if (error instanceof ConcurrentPaymentUpdateError) return new TenderError('payment_operation_in_progress');
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return new TenderError('body_invalid_json');
  if (type === 'entity.too.large') return new TenderError('body_too_large');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return new TenderError('content_type_unsupported');
  return undefined;
}

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new TenderError('route_not_found', { message: `No such endpoint: ${req.method} ${(req.baseUrl + req.path).slice(0, 200)}.` }));
};

/** JSON APIs take JSON: a POST with a body of another type is refused before any handler runs. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if ((req.method === 'POST' || req.method === 'PUT') && (hasBody || chunked) && !req.is('application/json')) {
    next(new TenderError('content_type_unsupported'));
    return;
  }
  next();
};
