import { TenderConfig } from '../config/config';

/**
 * A `tender <name>` command a plugin adds (the accounts plugin's `ca` and `certs`).
 * A plugin package exports them as `commands`; `tender` looks a command it does not
 * know up in the packages of TENDER_PLUGINS (config `plugins`), so `tender certs
 * list` works wherever the plugin is installed. `run` returns the exit code; a
 * UsageError prints the message and `usage` and exits 2, a TenderError its message
 * and exits 1.
 *
 * @example
 * ```ts
 * export const commands: readonly CliCommand[] = [
 *   { name: 'vouchers', summary: 'voucher batches (issue, list)', usage: 'tender vouchers list', run: async (config, argv, out) => { out.write('none\n'); return 0; } },
 * ];
 * ```
 */
export interface CliCommand {
  readonly name: string;
  /** One line for `tender help`. */
  readonly summary: string;
  readonly usage: string;
  run(config: TenderConfig, argv: string[], out: NodeJS.WritableStream): Promise<number>;
}

/** A command line the command cannot use: the message, then its usage. */
export class UsageError extends Error {}
