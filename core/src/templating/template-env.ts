import Handlebars from 'handlebars';
import { formatAmount } from '../pages/amount-format';
import { isPageLocale } from '../pages/page-locale';

/** A Handlebars environment made by {@link createTemplateEnv}. */
export type TemplateEnv = typeof Handlebars;
type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/** Runtime options of every render: no prototype properties or methods, ever (whatever a caller passes). */
export const TEMPLATE_RUNTIME: Handlebars.RuntimeOptions = Object.freeze({
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
});

/** Compile options of Tender's own templates: a missing field renders empty, escaping on. */
export const TEMPLATE_COMPILE: CompileOptions = Object.freeze({ strict: false, noEscape: false });

/** JSON for a `<script type="application/json">` block: nothing in it can close the element. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The locale a render is in: the root context's `lang` (else `locale`), 'en' when neither is a page locale. */
function renderLocale(options: Handlebars.HelperOptions): string {
  const root = (options.data as { root?: { lang?: unknown; locale?: unknown } } | undefined)?.root;
  const asked = typeof root?.lang === 'string' ? root.lang : root?.locale;
  return typeof asked === 'string' && isPageLocale(asked) ? asked : 'en';
}

/** The shared helpers, by name. A set asks only for those its templates use: a helper shadows a field of the same name. */
const SHARED_HELPERS = {
  eq: (a: unknown, b: unknown) => a === b,
  not: (a: unknown) => !a,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  concat: (...args: unknown[]) => args.slice(0, -1).map(String).join(''),
  /** `{{add1 @index}}`: numbered lists. */
  add1: (i: unknown) => Number(i) + 1,
  /** `{{amount minor currency}}`: integer minor units formatted for the render's locale ('' for anything else). */
  amount: (minor: unknown, currency: unknown, options: Handlebars.HelperOptions) => {
    const n = typeof minor === 'number' ? minor : Number(minor);
    return Number.isSafeInteger(n) && typeof currency === 'string' ? formatAmount(n, currency, renderLocale(options)) : '';
  },
  /** `{{datetime ms}}`: epoch milliseconds as `YYYY-MM-DD HH:MM UTC`. */
  datetime: (ms: unknown) => {
    const n = Number(ms);
    return Number.isFinite(n) && n > 0 ? `${new Date(n).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  },
  json: (value: unknown) => new Handlebars.SafeString(safeJson(value)),
} as const;

export type SharedHelper = keyof typeof SHARED_HELPERS;

export interface TemplateEnvOptions {
  /** Shared helpers the set's templates use. */
  readonly helpers?: readonly SharedHelper[];
  /**
   * The set's texts, as the helper `{{t "key" name=value}}` (escaped like any value):
   * called with the render's locale (see renderLocale), the key and the hash.
   */
  readonly texts?: (locale: string, key: string, params: Record<string, unknown>) => string;
}

/**
 * Tender's one Handlebars setup. Every template set (the payment page theme, merchant
 * templates, e-mails, the sign-up, status and API reference pages, the dashboard and
 * console, plugins' screens and pages) gets its environment here: an isolated
 * environment (nothing registered globally), every compiled template rendered with
 * {@link TEMPLATE_RUNTIME} even when a caller forgets, and the shared helpers it asks for.
 *
 * @example
 * ```ts
 * const env = createTemplateEnv({ helpers: ['eq', 'amount'], texts: (lang, key, params) => messages.text(lang, key, params) });
 * const page = env.compile('<p>{{t "total"}}: {{amount minor currency}}</p>', TEMPLATE_COMPILE);
 * page({ lang: 'ru', minor: 150000, currency: 'RUB' });
 * ```
 */
export function createTemplateEnv(options: TemplateEnvOptions = {}): TemplateEnv {
  const env = Handlebars.create();
  const compile = env.compile.bind(env);
  env.compile = <T = unknown>(input: unknown, compileOptions?: CompileOptions): HandlebarsTemplateDelegate<T> => {
    const template = compile<T>(input, compileOptions);
    // Handlebars compiles lazily; keep that, only pin the runtime options.
    return (context: T, runtime?: Handlebars.RuntimeOptions) => template(context, { ...runtime, ...TEMPLATE_RUNTIME });
  };
  for (const name of options.helpers ?? []) env.registerHelper(name, SHARED_HELPERS[name]);
  const texts = options.texts;
  if (texts !== undefined) {
    env.registerHelper('t', (key: unknown, helper: Handlebars.HelperOptions) =>
      texts(renderLocale(helper), String(key), helper.hash as Record<string, unknown>),
    );
  }
  return env;
}

/**
 * A single template compiled in its own environment from {@link createTemplateEnv}: for
 * a module's one fixed page (a sandbox page, a top-up page).
 *
 * @example
 * ```ts
 * const PAGE = compileTemplate('<h1>{{title}}</h1>');
 * PAGE({ title: '<b>' }); // '<h1>&lt;b&gt;</h1>'
 * ```
 */
export function compileTemplate(source: string, options: TemplateEnvOptions & { readonly compile?: CompileOptions } = {}): HandlebarsTemplateDelegate {
  return createTemplateEnv(options).compile(source, options.compile ?? TEMPLATE_COMPILE);
}
