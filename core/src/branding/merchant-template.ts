import Handlebars from 'handlebars';
import { TenderError } from '../errors/tender-error';
import { findMarkupProblem } from './merchant-markup';
import { TEMPLATE_RUNTIME, createTemplateEnv } from '../templating/template-env';

/** Largest merchant template accepted, in bytes of UTF-8. */
export const MERCHANT_TEMPLATE_MAX_BYTES = 32_768;

/** Partials a merchant template may include: the theme's, so the card form stays Tender's. */
export const ALLOWED_PARTIALS: readonly string[] = ['card_form', 'order_summary', 'merchant_header', 'account_option'];
/** Built-in block helpers a merchant template may use; no other helper exists for it. */
export const ALLOWED_BLOCK_HELPERS: readonly string[] = ['if', 'unless', 'each', 'with'];

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

/** Runtime options for every render: no prototype properties or methods, ever. */
export const RUNTIME_OPTIONS: Handlebars.RuntimeOptions = TEMPLATE_RUNTIME;

export const COMPILE_OPTIONS: CompileOptions = {
  knownHelpers: { if: true, unless: true, each: true, with: true, lookup: false, log: false, helperMissing: false, blockHelperMissing: false },
  knownHelpersOnly: true,
  strict: false,
  preventIndent: true,
};

type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/** The element each gateway partial stands as in a merchant template's checked output. */
export const PARTIAL_PLACEHOLDERS: Readonly<Record<string, string>> = {
  card_form: 'tender-card-form',
  order_summary: 'tender-order-summary',
  merchant_header: 'tender-merchant-header',
  account_option: 'tender-account-option',
};

/**
 * Checks an untrusted (merchant) page template and compiles it in the given
 * Handlebars environment (the theme's merchant environment, whose partials are the
 * gateway's). Refused with `template_invalid` naming the line and the reason: raw
 * output (`{{{ }}}`), helpers outside the allow-list, partials other than the
 * theme's, decorators, prototype names, more than MERCHANT_TEMPLATE_MAX_BYTES, no
 * `{{> card_form}}`; and markup outside the allow-list of merchant-markup.ts, found
 * by rendering the template with sample data (once with every field, once with
 * none) and reading the HTML a browser would get, so a Handlebars comment or an
 * expression cannot hide a tag or an attribute from the check.
 *
 * This check is for the merchant's benefit (a reason and a line instead of silently
 * changed markup). What protects the buyer is that every render is sanitised
 * afterwards (PageTheme.render), whatever was stored.
 *
 * @example
 * ```ts
 * const tpl = compileMerchantTemplate(env, '<main>{{> order_summary}}{{> card_form}}</main>');
 * sanitizeMerchantMarkup(tpl(merchantTemplateContext(pageContext), RUNTIME_OPTIONS));
 * ```
 */
export function compileMerchantTemplate(env: typeof Handlebars, source: string): Handlebars.TemplateDelegate {
  if (Buffer.byteLength(source, 'utf8') > MERCHANT_TEMPLATE_MAX_BYTES) {
    throw invalid(1, `the template is larger than ${MERCHANT_TEMPLATE_MAX_BYTES} bytes`);
  }
  let program: hbs.AST.Program;
  try {
    program = env.parse(source);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const line = /line (\d+)/.exec(text);
    throw invalid(line === null ? 1 : Number(line[1]), text.split('\n').slice(-1)[0] ?? 'syntax error');
  }
  const checker = new TemplateChecker();
  checker.accept(program);
  if (checker.problem !== undefined) throw invalid(checker.problem.line, checker.problem.reason);
  if (!checker.partials.has('card_form')) throw invalid(1, 'the template must include the card form: {{> card_form}}');
  let template: Handlebars.TemplateDelegate;
  try {
    template = env.compile(source, COMPILE_OPTIONS);
    // Handlebars compiles lazily; render once with no data so compile errors surface now.
    template({}, RUNTIME_OPTIONS);
  } catch (error) {
    throw invalid(1, error instanceof Error ? (error.message.split('\n')[0] ?? 'cannot compile') : 'cannot compile');
  }
  checkMarkup(source);
  return template;
}

const checkEnv = createTemplateEnv();
for (const [name, tag] of Object.entries(PARTIAL_PLACEHOLDERS)) checkEnv.registerPartial(name, `<${tag}></${tag}>`);

/** Sample data for the markup check: every field a template can read, filled. */
const FULL_SAMPLE = {
  lang: 'en',
  dir: 'ltr',
  title: 'Pay: Sample Shop',
  merchant: { name: 'Sample Shop', logo_url: 'https://shop.example/logo.png' },
  payment: { amount: '$15.00', description: 'Two items', order_id: 'A-1' },
  cancel_url: 'https://shop.example/return',
  account: true,
};

function checkMarkup(source: string): void {
  // ignoreStandalone keeps every source line, so a problem's line is the template's line.
  const template = checkEnv.compile(source, { ...COMPILE_OPTIONS, ignoreStandalone: true });
  for (const sample of [FULL_SAMPLE, {}]) {
    const problem = findMarkupProblem(template(sample, RUNTIME_OPTIONS), Object.values(PARTIAL_PLACEHOLDERS));
    if (problem !== undefined) throw invalid(problem.line, problem.reason);
  }
}

function invalid(line: number, reason: string): TenderError {
  return new TenderError('template_invalid', { param: 'template', message: `Line ${line}: ${reason}.` });
}

/** Walks the parsed template and records the first thing a merchant template may not do. */
class TemplateChecker extends Handlebars.Visitor {
  problem: { line: number; reason: string } | undefined;
  readonly partials = new Set<string>();

  private fail(node: hbs.AST.Node, reason: string): void {
    this.problem ??= { line: node.loc?.start.line ?? 1, reason };
  }

  override MustacheStatement(node: hbs.AST.MustacheStatement): void {
    if (!node.escaped) this.fail(node, 'raw output ({{{ }}} or {{& }}) is not allowed');
    if (node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) this.fail(node, 'helpers are not allowed; only {{name.path}}');
    super.MustacheStatement(node);
  }

  override BlockStatement(node: hbs.AST.BlockStatement): void {
    const name = node.path.type === 'PathExpression' ? node.path.original : '';
    if (!ALLOWED_BLOCK_HELPERS.includes(name)) this.fail(node, `block helper '${name}' is not allowed (allowed: ${ALLOWED_BLOCK_HELPERS.join(', ')})`);
    super.BlockStatement(node);
  }

  override PartialStatement(node: hbs.AST.PartialStatement): void {
    const name = node.name.type === 'PathExpression' ? node.name.original : '';
    if (!ALLOWED_PARTIALS.includes(name)) this.fail(node, `partial '${name}' is not allowed (allowed: ${ALLOWED_PARTIALS.join(', ')})`);
    else if (node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) this.fail(node, 'partials take no parameters');
    else this.partials.add(name);
  }

  override PartialBlockStatement(node: hbs.AST.PartialBlockStatement): void {
    this.fail(node, 'partial blocks are not allowed');
  }

  override DecoratorBlock(node: hbs.AST.DecoratorBlock): void {
    this.fail(node, 'decorators are not allowed');
  }

  override Decorator(node: hbs.AST.Decorator): void {
    this.fail(node, 'decorators are not allowed');
  }

  override SubExpression(node: hbs.AST.SubExpression): void {
    this.fail(node, 'helpers are not allowed');
  }

  override PathExpression(node: hbs.AST.PathExpression): void {
    const bad = node.parts.find((p) => FORBIDDEN_NAMES.has(p));
    if (bad !== undefined) this.fail(node, `'${bad}' cannot be read`);
    if (node.data && node.parts[0] !== 'index' && node.parts[0] !== 'key' && node.parts[0] !== 'first' && node.parts[0] !== 'last' && node.parts[0] !== 'root')
      this.fail(node, `@${node.parts[0] ?? ''} is not available`);
  }
}
