import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { COMPILE_OPTIONS, RUNTIME_OPTIONS, compileMerchantTemplate } from '../branding/merchant-template';
import { PageLocale, PageMessages, loadMessages } from './page-locale';

/** The pages every theme provides (templates/default/<name>.hbs). */
export const PAGE_NAMES = ['payment', 'result', 'challenge', 'error', 'link'] as const;
export type PageName = (typeof PAGE_NAMES)[number];

/** Assets a theme serves under /pay/assets/ (templates/<theme>/assets/). */
const ASSET_TYPES: Readonly<Record<string, string>> = { '.css': 'text/css; charset=utf-8', '.js': 'application/javascript; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };

/**
 * The hosted page's theme: Handlebars templates and assets from the theme directory
 * (TENDER_TEMPLATES_DIR; templates/default unless an operator replaces it for a
 * white-label instance) and the locale files. Loaded and compiled once at start, so
 * a broken theme stops the gateway instead of a buyer's payment.
 *
 * The Handlebars environment is private to the theme (no global helpers), templates
 * are compiled with knownHelpersOnly, and rendering never reads prototype properties.
 *
 * @example
 * ```ts
 * const html = theme.render('result', context);
 * ```
 */
@injectable()
export class PageTheme {
  readonly dir: string;
  readonly messages: Readonly<Record<PageLocale, PageMessages>>;
  private readonly env = Handlebars.create();
  private readonly layout: Handlebars.TemplateDelegate;
  private readonly pages: Readonly<Record<PageName, Handlebars.TemplateDelegate>>;
  private readonly assets = new Map<string, { type: string; body: Buffer }>();
  /** Compiled merchant templates by source: compiling is the expensive part of a render. */
  private readonly merchantTemplates = new Map<string, Handlebars.TemplateDelegate>();

  constructor(@inject(CONFIG) config: TenderConfig) {
    this.dir = config.templatesDir;
    this.messages = loadMessages(this.dir);
    const read = (file: string): string => fs.readFileSync(path.join(this.dir, file), 'utf8');
    const partialsDir = path.join(this.dir, 'partials');
    for (const file of fs.readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
      this.env.registerPartial(path.basename(file, '.hbs'), this.env.compile(fs.readFileSync(path.join(partialsDir, file), 'utf8'), COMPILE_OPTIONS));
    }
    this.layout = this.env.compile(read('layout.hbs'), COMPILE_OPTIONS);
    this.pages = Object.fromEntries(PAGE_NAMES.map((name) => [name, this.env.compile(read(`${name}.hbs`), COMPILE_OPTIONS)])) as Record<PageName, Handlebars.TemplateDelegate>;
    const assetsDir = path.join(this.dir, 'assets');
    for (const file of fs.readdirSync(assetsDir)) {
      const type = ASSET_TYPES[path.extname(file)];
      if (type !== undefined) this.assets.set(file, { type, body: fs.readFileSync(path.join(assetsDir, file)) });
    }
  }

  /** A page of the theme, or the merchant's own template in place of the payment page's body. */
  render(name: PageName, context: object, merchantTemplate?: string | null): string {
    const page = name === 'payment' && merchantTemplate !== undefined && merchantTemplate !== null ? this.merchantTemplate(merchantTemplate) : this.pages[name];
    const body = page(context, RUNTIME_OPTIONS);
    return this.layout({ ...context, body }, RUNTIME_OPTIONS);
  }

  /** Compiles (and caches) a merchant template; throws template_invalid with the line and reason. */
  merchantTemplate(source: string): Handlebars.TemplateDelegate {
    const cached = this.merchantTemplates.get(source);
    if (cached !== undefined) return cached;
    const template = compileMerchantTemplate(this.env, source);
    if (this.merchantTemplates.size >= 500) this.merchantTemplates.clear();
    this.merchantTemplates.set(source, template);
    return template;
  }

  asset(file: string): { type: string; body: Buffer } | undefined {
    return this.assets.get(file);
  }
}
