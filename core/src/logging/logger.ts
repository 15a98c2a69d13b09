import pino, { Logger } from 'pino';
import { stdoutDestination } from './stdout-destination';
import { requestLogFields } from '../observability/request-context';

/** Injection token of the pino logger. */
export const LOGGER = Symbol('Logger');
export type { Logger };

/**
 * Card numbers must never reach a log line. Request bodies are not logged at all;
 * these paths and `maskPans` are the second line of defence for anything that
 * gets logged by mistake.
 */
const REDACT_PATHS = [
  'card.number',
  'card.cvc',
  '*.card.number',
  '*.card.cvc',
  '*.*.card.number',
  '*.*.card.cvc',
  'cvc',
  'number',
  'pan',
  'req.headers.authorization',
  'headers.authorization',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  // The mixin adds request_id to every line written while a request is served (observability/request-context.ts).
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'tender' }, mixin: requestLogFields };
  // Not pino's own stdout stream: its exit flush never gives up on a stalled pipe (stdout-destination.ts).
  return pino(options, destination ?? stdoutDestination());
}

/** Replaces anything that looks like a PAN (12-19 digits, spaces or dashes allowed) with BIN + last 4. */
export function maskPans(text: string): string {
  return text.replace(/\b\d(?:[ -]?\d){11,18}\b/g, (match) => {
    const digits = match.replace(/\D/g, '');
    return `${digits.slice(0, 6)}******${digits.slice(-4)}`;
  });
}
