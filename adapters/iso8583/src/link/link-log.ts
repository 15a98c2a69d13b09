/** The logging the link needs; a pino logger fits it. */
export interface LinkLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const SILENT_LOG: LinkLog = { info() {}, warn() {}, error() {} };

/** Why a request got no answer; `sent` says whether its bytes may have reached the bank. */
export class LinkError extends Error {
  constructor(
    readonly reason: 'not_connected' | 'timeout' | 'disconnected' | 'closed',
    readonly sent: boolean,
  ) {
    super(`ISO 8583 link: ${reason}`);
  }
}
