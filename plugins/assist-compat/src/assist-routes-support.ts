import { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { LOGGER, Logger, formBody, jsonBody, maskPans, requestErrorOf, ServiceResolver } from '@tender/core';
import { AssistError, toAssistError } from './assist-error';

/**
 * Form and JSON bodies, parsed on the Assist paths only: the routers are mounted at the
 * root, and must not touch requests meant for anything mounted after them.
 */
export const assistBody: RequestHandler[] = [formBody({ limit: '16kb', parameterLimit: 100 }), jsonBody({ limit: '16kb' })];

/** An error becomes an Assist answer; unexpected ones are logged (PANs masked) and answered as a system error. */
export function assistErrorOf(container: ServiceResolver, error: unknown, path: string): AssistError {
  const assist = toAssistError(error);
  if (assist.code === 'system_error') {
    const message = maskPans(error instanceof Error ? error.message : String(error));
    container.resolve<Logger>(LOGGER).error({ path, error: message }, 'assist request failed');
  }
  return assist;
}

/**
 * A body that does not parse, inflate or pass the core's checks (body-parsing.ts) is a
 * parameter error, answered in the route's own format. The handlers answer their own
 * errors, so whatever reaches this comes from reading the request.
 */
export function bodyErrors(render: (error: AssistError, res: Response, req: Request) => void): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (requestErrorOf(error) === undefined) {
      next(error);
      return;
    }
    render(new AssistError('parameter_invalid', 'The request body could not be read.'), res, req);
  };
}
