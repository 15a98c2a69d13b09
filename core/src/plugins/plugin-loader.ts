import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { PluginError, TenderPlugin, isDefinedPlugin } from './plugin';
import { shortNameOf } from './plugin-options';

/** The version of this core, as published. */
export const CORE_VERSION: string = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Loads plugin packages by name. A package exports its plugin (made with
 * definePlugin) as `plugin` or as the default export. Shape, core range and name
 * clashes are checked before anything registers.
 */
export function loadPluginModules(names: readonly string[]): TenderPlugin[] {
  const plugins = names.map((name) => {
    let mod: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(name);
    } catch (error) {
      throw new PluginError(`cannot load plugin '${name}': ${error instanceof Error ? error.message : String(error)}`);
    }
    const candidate = (mod as { plugin?: unknown; default?: unknown }).plugin ?? (mod as { default?: unknown }).default;
    return checkPlugin(candidate, name);
  });
  checkPluginSet(plugins);
  return plugins;
}

/** One plugin: made with definePlugin, and for this core version. */
export function checkPlugin(candidate: unknown, source: string): TenderPlugin {
  if (!isDefinedPlugin(candidate)) {
    throw new PluginError(`'${source}' does not export a Tender plugin made with definePlugin({ name, version, coreRange, options, migrations, setup })`);
  }
  const p = candidate;
  if (semver.validRange(p.coreRange) === null) throw new PluginError(`plugin ${p.name} has an invalid coreRange '${p.coreRange}'`);
  if (!semver.satisfies(CORE_VERSION, p.coreRange, { includePrerelease: true })) {
    throw new PluginError(`plugin ${p.name}@${p.version} supports core ${p.coreRange}, but this is core ${CORE_VERSION}`);
  }
  return p;
}

/** The set: each plugin once, and no two with one short name (they would share a route prefix and option variables). */
export function checkPluginSet(plugins: readonly TenderPlugin[]): void {
  const byShort = new Map<string, string>();
  for (const p of plugins) {
    const short = shortNameOf(p.name);
    const other = byShort.get(short);
    if (other === p.name) throw new PluginError(`plugin ${p.name} is loaded twice`);
    if (other !== undefined) throw new PluginError(`plugins ${other} and ${p.name} share the short name '${short}' (route prefix and option variables)`);
    byShort.set(short, p.name);
  }
}
