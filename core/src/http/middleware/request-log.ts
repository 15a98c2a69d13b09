import { randomUUID } from 'node:crypto';
import { RequestHandler } from 'express';
import { Logger } from '../../logging/logger';

/**
 * One log line per request: method, route path, status, duration, request id.
 * Bodies and query strings are never logged; they may carry card data.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('Request-Id', id);
    // Building the line costs CPU on the hot path; skip it when nobody reads it.
    if (!logger.isLevelEnabled('info')) {
      next();
      return;
    }
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ request_id: id, method: req.method, path: req.path.slice(0, 200), status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
