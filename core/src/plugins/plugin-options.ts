import { z } from 'zod';
import { PLUGIN_VARIABLE_PREFIX, PluginSettings } from '../config/plugin-settings';
import { PluginError, PluginOptionsSchema, TenderPlugin } from './plugin';

/**
 * A plugin's short name: the package name without its scope and without a leading
 * `tender-`, `plugin-` or `adapter-`. It names the plugin's route prefix
 * (/plugins/<short-name>) and its option variables.
 *
 * @example
 * ```ts
 * shortNameOf('@tender/adapter-iso8583'); // 'iso8583'
 * shortNameOf('@acme/tender-plugin-loyalty'); // 'loyalty'
 * ```
 */
export function shortNameOf(name: string): string {
  const bare = name
    .slice(name.lastIndexOf('/') + 1)
    .toLowerCase()
    .replace(/^tender-/, '')
    .replace(/^(plugin|adapter)-/, '');
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(bare)) throw new PluginError(`plugin ${name}: its short name '${bare}' must be letters, digits and -`);
  return bare;
}

/** `poolSize` → `POOL_SIZE`, `assist-compat` → `ASSIST_COMPAT`. */
export function upperSnake(word: string): string {
  return word
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/**
 * The variable that sets one option.
 *
 * @example
 * ```ts
 * optionVariable('@tender/adapter-iso8583', 'poolSize'); // 'TENDER_PLUGIN_ISO8583_POOL_SIZE'
 * ```
 */
export function optionVariable(pluginName: string, option: string): string {
  return `${PLUGIN_VARIABLE_PREFIX}${upperSnake(shortNameOf(pluginName))}_${upperSnake(option)}`;
}

/** The zod type name (by name, not instanceof: a plugin may bring its own copy of zod). */
function typeName(schema: z.ZodTypeAny): string {
  return String((schema._def as { typeName?: unknown }).typeName ?? '');
}

/** The schema under optional/default/effects wrappers: what a variable's text is coerced to. */
function baseType(schema: z.ZodTypeAny): z.ZodTypeAny {
  let s = schema;
  for (;;) {
    const def = s._def as { innerType?: z.ZodTypeAny; schema?: z.ZodTypeAny; type?: z.ZodTypeAny };
    const name = typeName(s);
    if ((name === 'ZodOptional' || name === 'ZodNullable' || name === 'ZodDefault') && def.innerType !== undefined) s = def.innerType;
    else if (name === 'ZodEffects' && def.schema !== undefined) s = def.schema;
    else if (name === 'ZodBranded' && def.type !== undefined) s = def.type;
    else return s;
  }
}

/**
 * A variable's text as the option's type: numbers (`8583`, `-1.5`), booleans
 * (`true`/`false`, `1`/`0`, `yes`/`no`), lists (comma-separated); anything else is
 * left as text, so the schema reports it (e.g. "Expected number, received string").
 */
export function coerceVariable(schema: z.ZodTypeAny, raw: string): unknown {
  const type = baseType(schema);
  const name = typeName(type);
  const text = raw.trim();
  if (name === 'ZodNumber') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : raw;
  if (name === 'ZodBoolean') {
    if (['true', '1', 'yes'].includes(text.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(text.toLowerCase())) return false;
    return raw;
  }
  if (name === 'ZodArray') {
    const element = (type._def as { type: z.ZodTypeAny }).type;
    const items = text === '' ? [] : text.split(',').map((s) => s.trim());
    return items.map((item) => coerceVariable(element, item));
  }
  return raw;
}

const EMPTY = z.object({});

/**
 * Collects one plugin's raw options from the configuration source (file section
 * under its package name or short name, then its variables on top) and validates
 * them. An unknown option is an error too, so a typo does not pass silently.
 *
 * @example
 * ```ts
 * const options = resolvePluginOptions(isoPlugin, { ...NO_PLUGIN_SETTINGS, variables: { TENDER_PLUGIN_ISO8583_HOST: '10.0.0.5' } });
 * ```
 */
export function resolvePluginOptions(plugin: TenderPlugin, settings: PluginSettings): Record<string, unknown> {
  const schema: PluginOptionsSchema = plugin.options ?? EMPTY;
  const shape = schema.shape as Record<string, z.ZodTypeAny>;
  const short = shortNameOf(plugin.name);
  const fail = (lines: string[]): never => {
    throw new PluginError(lines.map((l) => `plugin ${plugin.name}: ${l}`).join('\n'));
  };
  const byName = settings.fromFile[plugin.name];
  const byShort = settings.fromFile[short];
  if (byName !== undefined && byShort !== undefined && plugin.name !== short)
    fail([`options are given under both "${plugin.name}" and "${short}" in the config file; keep one`]);
  const raw: Record<string, unknown> = { ...(byName ?? byShort ?? {}) };
  const unknown = Object.keys(raw).filter((k) => !(k in shape));
  if (unknown.length > 0) fail(unknown.map((k) => `option ${k}: unknown option (the config file names it; known: ${Object.keys(shape).join(', ') || 'none'})`));
  for (const [key, type] of Object.entries(shape)) {
    const value = settings.variables[optionVariable(plugin.name, key)];
    if (value !== undefined) raw[key] = coerceVariable(type, value);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    fail(
      parsed.error.issues.map((issue) => {
        const option = issue.path.length === 0 ? 'options' : `option ${issue.path.join('.')}`;
        const key = String(issue.path[0] ?? '');
        const where = key === '' ? '' : ` (${optionVariable(plugin.name, key)} or plugins["${plugin.name}"].${key} in TENDER_CONFIG_FILE)`;
        return `${option}: ${issue.message}${where}`;
      }),
    );
  }
  return (parsed as { data: Record<string, unknown> }).data;
}

/**
 * Variables and file sections that no loaded plugin claims: a misspelt name or a
 * plugin that is not loaded. Refused, like an unknown core variable value.
 */
export function unclaimedSettings(plugins: readonly TenderPlugin[], settings: PluginSettings): string[] {
  const claimed = new Set<string>();
  const names = new Set<string>();
  for (const plugin of plugins) {
    names.add(plugin.name);
    names.add(shortNameOf(plugin.name));
    for (const key of Object.keys((plugin.options ?? EMPTY).shape)) claimed.add(optionVariable(plugin.name, key));
  }
  const problems: string[] = [];
  for (const variable of Object.keys(settings.variables)) {
    // A deprecated variable of a plugin that is not loaded was ignored before; it still is.
    if (!claimed.has(variable) && !settings.deprecated.some((d) => d.instead === variable)) problems.push(`${variable} names no option of a loaded plugin`);
  }
  for (const key of Object.keys(settings.fromFile)) {
    if (!names.has(key)) problems.push(`the config file has options for "${key}", which is not a loaded plugin`);
  }
  return problems;
}
