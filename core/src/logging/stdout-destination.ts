import SonicBoom from 'sonic-boom';

/** What pino needs of a destination: a line at a time. */
export interface LogDestination {
  write(line: string): void;
}

/** Lines held in memory while the reader is slow; past this, new lines are dropped, not queued. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** At exit, how many times a full pipe is retried (100 ms apart, sonic-boom's pause) before the rest is dropped. */
const EXIT_RETRIES = 10;

let shared: LogDestination | undefined;

/**
 * Standard output for the gateway's logs, written so that a reader that goes away can
 * never keep the process from stopping.
 *
 * Why not pino's default: it writes fd 1 through sonic-boom and, at process exit,
 * flushes synchronously, retrying a full pipe (EAGAIN) forever. When the process
 * reading the pipe stops reading (a stalled log collector, a parent that ended while
 * its pipe is still held open), `process.exit` after SIGTERM spun in that loop and
 * only SIGKILL stopped the gateway. Here the exit flush gives up after a few retries,
 * a closed pipe (EPIPE) turns logging off instead of crashing, and a slow reader
 * costs at most MAX_BUFFERED_BYTES of memory.
 *
 * One destination per process, however many gateways it creates (tests create many).
 *
 * @example
 * const logger = pino({ level: 'info' }, stdoutDestination());
 */
export function stdoutDestination(): LogDestination {
  shared ??= createStdoutDestination(1);
  return shared;
}

/**
 * The same, on any file descriptor; `stdoutDestination` is this on fd 1, once.
 *
 * @example
 * const destination = createStdoutDestination(1);
 * destination.write('{"msg":"hello"}\n');
 */
export function createStdoutDestination(fd: number): LogDestination {
  let exiting = false;
  let exitRetries = 0;
  let closed = false;
  const boom = new SonicBoom({
    fd,
    sync: false,
    maxLength: MAX_BUFFERED_BYTES,
    // While running, a full pipe is retried on a timer (the event loop stays free);
    // while exiting, only a few times.
    retryEAGAIN: () => !exiting || ++exitRetries <= EXIT_RETRIES,
  });
  boom.on('error', (error: NodeJS.ErrnoException) => {
    // EPIPE: nobody will ever read again. Anything else (EAGAIN given up at exit,
    // EBADF): logs are not worth a crash of the gateway either.
    if (!closed) {
      closed = true;
      boom.destroy();
    }
    error;
  });
  process.once('exit', () => {
    exiting = true;
    if (closed) return;
    try {
      boom.flushSync();
    } catch {
      // The reader did not take the rest in time: the lines are lost, the process still ends.
    }
  });
  return {
    write(line: string): void {
      if (!closed) boom.write(line);
    },
  };
}
