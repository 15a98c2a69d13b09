import { MethodPartAddon } from './method-part-addon';
import { methodPartProblem } from './method-part-template';

const LOCALES = ['ru', 'en', 'ar'] as const;

/**
 * The registered method-part add-ons (MethodPartAddon), in registration order: the
 * order their fragments appear in a part. Checked when registered: the name starts
 * with the plugin's short name and is unique, the template shows nothing unescaped,
 * the texts exist for every page locale.
 *
 * @example
 * ```ts
 * registry.add('acme', acmeLoyaltyAddon);
 * registry.forMethod('card'); // [acmeLoyaltyAddon]
 * ```
 */
export class MethodPartAddonRegistry {
  private readonly addons: MethodPartAddon[] = [];

  add(shortName: string, addon: MethodPartAddon): void {
    const problem = addonProblem(shortName, addon);
    if (problem !== undefined) throw new Error(problem);
    if (this.addons.some((a) => a.name === addon.name)) throw new Error(`a method part add-on named '${addon.name}' is registered already`);
    this.addons.push(addon);
  }

  /** The add-ons shown in the part of `methodType`. */
  forMethod(methodType: string): readonly MethodPartAddon[] {
    return this.addons.filter((a) => a.methods.includes(methodType));
  }

  all(): readonly MethodPartAddon[] {
    return [...this.addons];
  }
}

function addonProblem(shortName: string, addon: MethodPartAddon): string | undefined {
  if (typeof addon?.name !== 'string' || !/^[a-z][a-z0-9-]{0,59}$/.test(addon.name))
    return 'a method part add-on needs a name of lower-case letters, digits and dashes';
  if (addon.name !== shortName && !addon.name.startsWith(`${shortName}-`))
    return `the method part add-on '${addon.name}' must be named after its plugin ('${shortName}' or '${shortName}-...')`;
  if (!Array.isArray(addon.methods) || addon.methods.length === 0) return `the method part add-on '${addon.name}' names no method`;
  if (!Array.isArray(addon.fields) || addon.fields.some((f) => typeof f !== 'string' || !/^[a-z][a-z0-9_]{0,39}$/.test(f) || f === 'form_token')) {
    return `the method part add-on '${addon.name}' has a field that is not lower-case letters, digits and _ (or is form_token)`;
  }
  if (typeof addon.context !== 'function' || typeof addon.submission !== 'function')
    return `the method part add-on '${addon.name}' needs context and submission functions`;
  if (typeof addon.template !== 'string') return `the method part add-on '${addon.name}' needs a template`;
  const template = methodPartProblem(addon.template);
  if (template !== undefined) return `the template of the method part add-on '${addon.name}' cannot be used: ${template}`;
  const missing = LOCALES.find((l) => typeof addon.messages?.[l] !== 'object' || addon.messages[l] === null);
  if (missing !== undefined) return `the method part add-on '${addon.name}' has no texts for the locale '${missing}'`;
  return undefined;
}
