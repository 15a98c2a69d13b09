import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { PluginError, TenderPlugin } from './plugin';

/** The version of this core, as published. */
export const CORE_VERSION: string = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Loads plugin packages by name. A package exports its TenderPlugin as `plugin`
 * (or as the default export). Shape and core range are checked before anything
 * registers.
 */
export function loadPluginModules(names: readonly string[]): TenderPlugin[] {
  return names.map((name) => {
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
}

export function checkPlugin(candidate: unknown, source: string): TenderPlugin {
  const p = candidate as Partial<TenderPlugin> | undefined;
  if (p === undefined || p === null || typeof p.name !== 'string' || typeof p.version !== 'string' || typeof p.coreRange !== 'string' || typeof p.register !== 'function') {
    throw new PluginError(`'${source}' does not export a Tender plugin ({ name, version, coreRange, register })`);
  }
  if (semver.validRange(p.coreRange) === null) throw new PluginError(`plugin ${p.name} has an invalid coreRange '${p.coreRange}'`);
  if (!semver.satisfies(CORE_VERSION, p.coreRange, { includePrerelease: true })) {
    throw new PluginError(`plugin ${p.name}@${p.version} supports core ${p.coreRange}, but this is core ${CORE_VERSION}`);
  }
  return p as TenderPlugin;
}
