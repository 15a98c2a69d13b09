import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { COMPILE_OPTIONS, PARTIAL_PLACEHOLDERS, RUNTIME_OPTIONS, compileMerchantTemplate } from '../branding/merchant-template';
import { sanitizeMerchantMarkup } from '../branding/merchant-markup';
import { PageLocale, PageMessages, loadMessages } from './page-locale';
import { PageContext, merchantTemplateContext } from './page-context';
import { methodPartProblem } from '../methods/method-part-template';
import { DEFAULT_THEME_DIR } from '../templates-dir';
import { ThemeFiles } from './theme-files';
import { createTemplateEnv } from '../templating/template-env';

/** The pages every theme provides (templates/default/<name>.hbs); `fields` is the payment form island's document. */
export const PAGE_NAMES = ['payment', 'fields', 'result', 'challenge', 'error', 'link', 'next-action'] as const;
export type PageName = (typeof PAGE_NAMES)[number];

/** Assets a theme serves under /pay/assets/ (templates/<theme>/assets/). */
const ASSET_TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * The hosted page's theme: Handlebars templates and assets from the theme directory
 * (TENDER_TEMPLATES_DIR; templates/default unless an operator replaces it for a
 * white-label instance) and the locale files. Loaded and compiled once at start, so
 * a broken theme stops the gateway instead of a buyer's payment.
 *
 * The Handlebars environment is private to the theme (no global helpers), templates
 * are compiled with knownHelpersOnly, and rendering never reads prototype properties.
 *
 * A merchant template is compiled in a second environment whose `card_form` partial
 * is only a placeholder: it renders with the allow-listed merchant context (never
 * the nonce or a form token), its output is sanitised (merchant-markup.ts), and only
 * then does the placeholder become the theme's `card_form` partial, the frame of the
 * payment form island. The card fields are never in a document with merchant markup.
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
  private readonly env = createTemplateEnv();
  /** Where merchant templates are compiled: the theme's display partials, placeholders for the gateway's forms. */
  private readonly merchantEnv = createTemplateEnv();
  private readonly layout: Handlebars.TemplateDelegate;
  private readonly pages: Readonly<Record<PageName, Handlebars.TemplateDelegate>>;
  private readonly assets = new Map<string, { type: string; body: Buffer }>();
  /** Compiled merchant templates by source: compiling is the expensive part of a render. */
  private readonly merchantTemplates = new Map<string, Handlebars.TemplateDelegate>();

  constructor(@inject(CONFIG) config: TenderConfig) {
    this.dir = config.templatesDir;
    // The operator's theme over the default one, file by file: a theme holds what it changes.
    const files = ThemeFiles.over(this.dir, DEFAULT_THEME_DIR);
    this.messages = loadMessages(this.dir);
    for (const file of files.list('partials', '.hbs')) {
      const name = path.basename(file, '.hbs');
      const source = files.read(`partials/${file}`);
      this.env.registerPartial(name, files.compile(this.env, `partials/${file}`, COMPILE_OPTIONS));
      if (name === 'merchant_header' || name === 'order_summary') this.merchantEnv.registerPartial(name, this.merchantEnv.compile(source, COMPILE_OPTIONS));
    }
    this.merchantEnv.registerPartial('card_form', `<${PARTIAL_PLACEHOLDERS.card_form}></${PARTIAL_PLACEHOLDERS.card_form}>`);
    // The account option is part of the island now; the partial stays valid in older templates and renders nothing.
    this.merchantEnv.registerPartial('account_option', '');
    this.layout = files.compile(this.env, 'layout.hbs', COMPILE_OPTIONS);
    this.pages = Object.fromEntries(PAGE_NAMES.map((name) => [name, files.compile(this.env, `${name}.hbs`, COMPILE_OPTIONS)])) as Record<
      PageName,
      Handlebars.TemplateDelegate
    >;
    for (const file of files.list('assets')) {
      const type = ASSET_TYPES[path.extname(file)];
      const found = files.find(`assets/${file}`);
      if (type !== undefined && found !== undefined) this.assets.set(file, { type, body: fs.readFileSync(found) });
    }
  }

  /** A page of the theme, or the merchant's own template in place of the payment page's body. */
  render(name: PageName, context: PageContext, merchantTemplate?: string | null): string {
    const body =
      name === 'payment' && merchantTemplate !== undefined && merchantTemplate !== null
        ? this.merchantBody(merchantTemplate, context)
        : this.pages[name](context, RUNTIME_OPTIONS);
    return this.layout({ ...context, body }, RUNTIME_OPTIONS);
  }

  /**
   * A merchant template rendered with the merchant context, sanitised, then given the
   * island's frame. A stored template that no longer compiles (checked by an older
   * version, or a theme without one of its partials) gives the theme's own page: the
   * buyer can always pay.
   */
  private merchantBody(source: string, context: PageContext): string {
    let template: Handlebars.TemplateDelegate;
    try {
      template = this.merchantTemplate(source);
    } catch {
      return this.pages.payment(context, RUNTIME_OPTIONS);
    }
    const placeholder = `<${PARTIAL_PLACEHOLDERS.card_form}></${PARTIAL_PLACEHOLDERS.card_form}>`;
    const rendered = template(merchantTemplateContext(context), RUNTIME_OPTIONS);
    const island = this.partial('card_form', context);
    let parts = sanitizeMerchantMarkup(rendered, [PARTIAL_PLACEHOLDERS.card_form]).split(placeholder);
    if (parts.length < 2) {
      // The markup swallowed the island's place (an unclosed quote or element around it): each side of it is
      // sanitised on its own, so nothing a merchant writes can take the card form off the page.
      const [before, ...after] = rendered.split(placeholder);
      parts = [sanitizeMerchantMarkup(before ?? ''), sanitizeMerchantMarkup(after.join(''))];
    }
    const [first, ...rest] = parts;
    return `${first ?? ''}${island}${rest.join('')}`;
  }

  private partial(name: string, context: PageContext): string {
    const partial = this.env.partials[name] as Handlebars.TemplateDelegate | undefined;
    return partial === undefined ? '' : partial(context, RUNTIME_OPTIONS);
  }

  /** Compiles (and caches) a merchant template; throws template_invalid with the line and reason. */
  merchantTemplate(source: string): Handlebars.TemplateDelegate {
    const cached = this.merchantTemplates.get(source);
    if (cached !== undefined) return cached;
    const template = compileMerchantTemplate(this.merchantEnv, source);
    if (this.merchantTemplates.size >= 500) this.merchantTemplates.clear();
    this.merchantTemplates.set(source, template);
    return template;
  }

  /**
   * A payment method's part of the payment form island (PaymentMethodPage.template),
   * compiled in the theme's environment (its partials, known helpers only); a
   * template with unescaped output is refused, so the gateway-owned island only
   * ever shows escaped values. Throws at start, naming the method.
   */
  compilePart(source: string, methodType: string): (context: Record<string, unknown>) => Handlebars.SafeString {
    const problem = methodPartProblem(source);
    if (problem !== undefined) throw new Error(`the page template of payment method ${methodType} cannot be used: ${problem}`);
    const template = this.env.compile(source, COMPILE_OPTIONS);
    return (context) => new Handlebars.SafeString(template(context, RUNTIME_OPTIONS));
  }

  asset(file: string): { type: string; body: Buffer } | undefined {
    return this.assets.get(file);
  }
}
