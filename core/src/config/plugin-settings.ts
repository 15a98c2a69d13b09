import fs from 'node:fs';
import path from 'node:path';

/**
 * Where plugin options come from: one configuration source made of the config file
 * (TENDER_CONFIG_FILE, JSON, its `plugins` section) and TENDER_PLUGIN_<NAME>_<OPTION>
 * variables, a variable winning over the file. Which variable fills which option is
 * decided against each plugin's schema (plugins/plugin-options.ts).
 */
export interface PluginSettings {
  /** The config file that was read, if any. */
  readonly file: string | undefined;
  /** Its `plugins` section: raw options per plugin, keyed by package name or short name. */
  readonly fromFile: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Every TENDER_PLUGIN_* variable, deprecated names already mapped to their new names. */
  readonly variables: Readonly<Record<string, string>>;
  /** Deprecated variables that were set (the gateway logs a warning for each). */
  readonly deprecated: ReadonlyArray<{ readonly used: string; readonly instead: string }>;
}

export const NO_PLUGIN_SETTINGS: PluginSettings = { file: undefined, fromFile: {}, variables: {}, deprecated: [] };

/**
 * Variables that existing installations set before plugin options existed; still
 * read, as the option they now name, and reported as deprecated (docs/configuration.md).
 */
export const DEPRECATED_PLUGIN_VARIABLES: Readonly<Record<string, string>> = {
  TENDER_SANDBOX_LATENCY_MS: 'TENDER_PLUGIN_SANDBOX_LATENCY_MS',
  TENDER_ISO8583_HOST: 'TENDER_PLUGIN_ISO8583_HOST',
  TENDER_ISO8583_PORT: 'TENDER_PLUGIN_ISO8583_PORT',
  TENDER_ISO8583_DIALECT: 'TENDER_PLUGIN_ISO8583_DIALECT',
  TENDER_ISO8583_POOL_SIZE: 'TENDER_PLUGIN_ISO8583_POOL_SIZE',
  TENDER_ISO8583_DEADLINE_MS: 'TENDER_PLUGIN_ISO8583_DEADLINE_MS',
};

export const PLUGIN_VARIABLE_PREFIX = 'TENDER_PLUGIN_';

/** Reads the config file named by TENDER_CONFIG_FILE (if any) and the plugin variables; throws a message for ConfigError. */
export function loadPluginSettings(env: Record<string, string | undefined>, cwd: string): PluginSettings | { error: string } {
  const variables: Record<string, string> = {};
  const deprecated: Array<{ used: string; instead: string }> = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name.startsWith(PLUGIN_VARIABLE_PREFIX)) variables[name] = value;
  }
  for (const [old, instead] of Object.entries(DEPRECATED_PLUGIN_VARIABLES)) {
    const value = env[old];
    if (value === undefined) continue;
    deprecated.push({ used: old, instead });
    variables[instead] ??= value;
  }
  const fileName = env.TENDER_CONFIG_FILE;
  if (fileName === undefined || fileName === '') return { file: undefined, fromFile: {}, variables, deprecated };
  const file = path.resolve(cwd, fileName);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return { error: `TENDER_CONFIG_FILE ${file}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const problem = fileProblem(parsed);
  if (problem !== undefined) return { error: `TENDER_CONFIG_FILE ${file}: ${problem}` };
  const plugins = (parsed as { plugins?: Record<string, Record<string, unknown>> }).plugins ?? {};
  return { file, fromFile: plugins, variables, deprecated };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fileProblem(parsed: unknown): string | undefined {
  if (!isRecord(parsed)) return 'must hold a JSON object';
  const unknown = Object.keys(parsed).filter((k) => k !== 'plugins');
  if (unknown.length > 0) return `unknown section ${unknown.map((k) => JSON.stringify(k)).join(', ')} (only "plugins" is read)`;
  if (parsed.plugins === undefined) return undefined;
  if (!isRecord(parsed.plugins)) return '"plugins" must be an object of plugin name to options';
  for (const [name, options] of Object.entries(parsed.plugins)) {
    if (!isRecord(options)) return `plugins[${JSON.stringify(name)}] must be an object of options`;
  }
  return undefined;
}
