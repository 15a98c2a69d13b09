import { CliCommand } from './cli-command';

/**
 * The CLI commands the plugin packages named in `plugins` export as `commands`
 * (CliCommand). A package that cannot be loaded adds none here: the gateway's start
 * reports it with its reason.
 *
 * @example
 * ```ts
 * pluginCommands(['@tender/adapter-sandbox', '@tender/plugin-accounts']).map((c) => c.name); // ['ca', 'certs']
 * ```
 */
export function pluginCommands(packages: readonly string[]): CliCommand[] {
  const found: CliCommand[] = [];
  for (const name of packages) {
    let mod: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(name);
    } catch {
      continue;
    }
    const commands = (mod as { commands?: unknown }).commands;
    if (!Array.isArray(commands)) continue;
    for (const c of commands as unknown[]) {
      const command = c as Partial<CliCommand>;
      if (typeof command.name === 'string' && typeof command.run === 'function' && typeof command.usage === 'string') found.push(command as CliCommand);
    }
  }
  return found;
}
