import { IncomingMessage, ServerResponse } from 'node:http';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { TenderError } from '../errors/tender-error';
import { hostileTextProblem } from './hostile-text';

/**
 * A parser as a plain connect-style handler, like express.json() itself: typed without
 * route parameters so that it does not change how a route's own handler is inferred.
 */
export type BodyParser = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Objects and arrays nest at most this deep in any body; no Tender input needs more than 5. */
export const MAX_BODY_DEPTH = 32;

/**
 * The JSON body parser of every JSON endpoint (the APIs, the dashboard's JSON calls,
 * plugins): strict JSON (an object or an array at the top), gzip/deflate/br bodies
 * inflated and `limit` counted after inflating, then `checkParsedBody`. Its errors are
 * turned into catalogue errors by `requestErrorOf`, wherever they are answered.
 *
 * @example
 * ```ts
 * router.use(jsonBody({ limit: '64kb' }));
 * ```
 */
export function jsonBody(options: { limit: string; verify?: (req: Request, res: Response, buf: Buffer) => void }): BodyParser {
  return checked(express.json({ limit: options.limit, strict: true, ...(options.verify === undefined ? {} : { verify: options.verify }) }));
}

/**
 * The url-encoded form parser of every HTML form (payment pages, sign-up, the
 * dashboard and console, Assist's forms): flat fields only, at most `parameterLimit`
 * of them, then `checkParsedBody`. A request without a form body gets `{}`.
 *
 * @example
 * ```ts
 * router.post('/signup', formBody({ limit: '8kb', parameterLimit: 10 }), handler);
 * ```
 */
export function formBody(options: { limit: string; parameterLimit: number }): BodyParser {
  const parser = checked(express.urlencoded({ extended: false, limit: options.limit, parameterLimit: options.parameterLimit }));
  // A post without fields is an empty form, not a missing one: handlers read `req.body.x`.
  return (req, res, next) =>
    parser(req, res, (error?: unknown) => {
      const r = req as Request;
      if ((error === undefined || error === null) && r.body === undefined) r.body = {};
      next(error);
    });
}

/** The parser, then checkParsedBody on what it parsed, as one handler. */
function checked(parser: BodyParser): BodyParser {
  return (req, res, next) => {
    parser(req, res, (error?: unknown) => {
      if (error !== undefined && error !== null) {
        next(error);
        return;
      }
      checkParsedBody(req as Request, res as Response, next);
    });
  };
}

/**
 * Refuses (415) a POST, PUT or PATCH that carries a body of another type than the
 * endpoint reads, before any handler runs: a JSON body sent to a form would otherwise
 * reach the handler as no body at all.
 */
export function requireBodyType(kind: 'json' | 'form'): RequestHandler {
  const type = kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  return (req, _res, next) => {
    const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody && req.is(type) === false) {
      next(
        new TenderError('content_type_unsupported', {
          message: kind === 'json' ? 'Send JSON with "Content-Type: application/json".' : 'Send the form as "Content-Type: application/x-www-form-urlencoded".',
        }),
      );
      return;
    }
    next();
  };
}

/**
 * What no Tender input may contain, anywhere in a parsed body (keys included):
 * nesting deeper than MAX_BODY_DEPTH, NUL characters, lone UTF-16 surrogates (JSON
 * `\ud800` escapes; they cannot be stored as UTF-8 and MariaDB would keep U+FFFD), and
 * numbers beyond ±(2^53 - 1), which a JavaScript number cannot hold exactly. Field
 * rules (hostile-text.ts) then decide the rest per field.
 */
export function checkParsedBody(req: Request, _res: Response, next: NextFunction): void {
  try {
    assertAcceptableBody(req.body);
  } catch (error) {
    next(error);
    return;
  }
  next();
}

/**
 * Throws `parameter_invalid` (naming the path) when `value` has what no input may
 * contain; for bodies a route parses itself (a signed raw body, say).
 *
 * @example
 * ```ts
 * assertAcceptableBody(JSON.parse(raw.toString('utf8')));
 * ```
 */
export function assertAcceptableBody(value: unknown): void {
  const problem = bodyProblem(value);
  if (problem === undefined) return;
  throw new TenderError('parameter_invalid', {
    ...(problem.param === '' ? {} : { param: problem.param }),
    message: problem.param === '' ? `The request body ${problem.message}.` : `Invalid ${problem.param}: ${problem.message}.`,
  });
}

/** The first thing `checkParsedBody` refuses in `value`, with its dotted path; an iterative walk, so no depth can overflow the stack. */
export function bodyProblem(value: unknown): { param: string; message: string } | undefined {
  const stack: Array<{ value: unknown; path: string[]; depth: number }> = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string[]; depth: number };
    const v = item.value;
    if (typeof v === 'string') {
      const p = hostileTextProblem(v, 'any');
      if (p !== undefined) return { param: item.path.join('.'), message: p };
    } else if (typeof v === 'number') {
      if (Math.abs(v) > Number.MAX_SAFE_INTEGER)
        return { param: item.path.join('.'), message: 'numbers beyond ±9007199254740991 (2^53 - 1) cannot be taken exactly' };
    } else if (v !== null && typeof v === 'object') {
      if (item.depth >= MAX_BODY_DEPTH)
        return { param: item.path.slice(0, 8).join('.'), message: `nests objects or arrays deeper than ${MAX_BODY_DEPTH} levels` };
      for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
        const path = [...item.path, key];
        const p = hostileTextProblem(key, 'any');
        if (p !== undefined) return { param: path.join('.'), message: `the key ${p}` };
        stack.push({ value: child, path, depth: item.depth + 1 });
      }
    }
  }
  return undefined;
}

/**
 * The one translation of errors raised before a handler runs (body parsing and
 * inflating, percent-decoding of the path, static files) into catalogue errors:
 * every error handler (the JSON APIs, the payment pages, the dashboard and console,
 * plugins) asks it first, so none of them can answer such a request with a 500.
 * Undefined for anything else (a bug: answered 500 and logged by the caller).
 *
 * @example
 * ```ts
 * const refusal = requestErrorOf(error); // TenderError('body_unreadable') for a gzip body that does not inflate
 * ```
 */
export function requestErrorOf(error: unknown): TenderError | undefined {
  if (error instanceof TenderError) return error;
  if (error instanceof URIError) return new TenderError('parameter_invalid', { message: 'The URL has a malformed percent-encoding.' });
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { type?: unknown; status?: unknown; statusCode?: unknown; encoding?: unknown };
  switch (e.type) {
    case 'entity.parse.failed':
      return new TenderError('body_invalid_json');
    case 'entity.too.large':
      return new TenderError('body_too_large');
    case 'parameters.too.many':
      return new TenderError('body_too_large', { message: 'The form has too many fields.' });
    case 'charset.unsupported':
      return new TenderError('content_type_unsupported', { message: 'Send the body in UTF-8.' });
    case 'encoding.unsupported':
      return new TenderError('content_type_unsupported', { message: 'Content-Encoding must be gzip, deflate, br or none.' });
    default:
      break;
  }
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  // http-errors' client errors (body-parser's inflate and length checks, serve-static's
  // refusals): a status below 500 says the request was at fault.
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (status === 404 || status === 403) return new TenderError('route_not_found', { message: 'No such file.' });
  if (status === 413) return new TenderError('body_too_large');
  if (status === 415) return new TenderError('content_type_unsupported');
  return new TenderError('body_unreadable');
}
