import fs from 'node:fs';
import path from 'node:path';
import { EmailRenderer, RenderedEmail } from '../notifications/email/email-renderer';

/**
 * EXTENSION POINT: an e-mail a plugin sends. `dir` holds `<name>.html.hbs`,
 * `<name>.txt.hbs` and `locales/<locale>.json` (with at least `en.json`), laid out
 * like templates/email (docs/notifications.md); `name` starts with the plugin's
 * short name and a dot. Queue it with EmailQueue.enqueue (template = name); the
 * e-mail dispatcher renders and sends it like core's own.
 *
 * @example
 * ```ts
 * ctx.registerEmailTemplate({ name: 'acme.transfer-received', dir: path.join(__dirname, '..', 'email') });
 * ```
 */
export interface EmailTemplateDescriptor {
  readonly name: string;
  readonly dir: string;
}

const TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9_-]{0,60}$/;

/** The plugins' e-mail templates, each with its own renderer. */
export class EmailTemplateRegistry {
  private readonly renderers = new Map<string, EmailRenderer>();

  add(shortName: string, template: EmailTemplateDescriptor): void {
    if (!TEMPLATE_NAME.test(template.name) || !template.name.startsWith(`${shortName}.`)) {
      throw new Error(`e-mail template '${template.name}' must be named '${shortName}.<template>' (lower-case letters, digits, - and _)`);
    }
    if (this.renderers.has(template.name)) throw new Error(`e-mail template '${template.name}' is registered twice`);
    for (const file of [`${template.name}.html.hbs`, `${template.name}.txt.hbs`, path.join('locales', 'en.json')]) {
      if (!fs.existsSync(path.join(template.dir, file))) throw new Error(`e-mail template '${template.name}': ${path.join(template.dir, file)} is missing`);
    }
    this.renderers.set(template.name, new EmailRenderer(template.dir));
  }

  has(name: string): boolean {
    return this.renderers.has(name);
  }

  /** Renders a registered template; undefined when no plugin registered `name`. */
  render(name: string, locale: string, data: Record<string, unknown>): RenderedEmail | undefined {
    return this.renderers.get(name)?.render(name, locale, data);
  }
}
