import * as csstree from 'css-tree';
import { TenderError } from '../errors/tender-error';

export const CUSTOM_CSS_MAX_BYTES = 16_384;

/** Properties merchant CSS may set. Nothing that positions over other parts of the page (position, z-index, inset). */
export const CSS_PROPERTIES: ReadonlySet<string> = new Set([
  'color',
  'background',
  'background-color',
  'background-image',
  'background-position',
  'background-repeat',
  'background-size',
  'background-clip',
  'background-origin',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-block',
  'border-inline',
  'border-block-start',
  'border-block-end',
  'border-inline-start',
  'border-inline-end',
  'border-color',
  'border-style',
  'border-width',
  'border-radius',
  'border-top-left-radius',
  'border-top-right-radius',
  'border-bottom-left-radius',
  'border-bottom-right-radius',
  'border-collapse',
  'border-spacing',
  'box-shadow',
  'text-shadow',
  'outline',
  'outline-color',
  'outline-style',
  'outline-width',
  'outline-offset',
  'opacity',
  'font',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant',
  'letter-spacing',
  'word-spacing',
  'line-height',
  'text-align',
  'text-transform',
  'text-decoration',
  'text-decoration-color',
  'text-decoration-line',
  'text-decoration-style',
  'text-decoration-thickness',
  'text-underline-offset',
  'text-indent',
  'text-overflow',
  'white-space',
  'word-break',
  'overflow-wrap',
  'hyphens',
  'vertical-align',
  'direction',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'margin-block',
  'margin-inline',
  'margin-block-start',
  'margin-block-end',
  'margin-inline-start',
  'margin-inline-end',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'padding-block',
  'padding-inline',
  'padding-block-start',
  'padding-block-end',
  'padding-inline-start',
  'padding-inline-end',
  'width',
  'min-width',
  'max-width',
  'height',
  'min-height',
  'max-height',
  'box-sizing',
  'display',
  'visibility',
  'overflow',
  'overflow-x',
  'overflow-y',
  'flex',
  'flex-direction',
  'flex-wrap',
  'flex-grow',
  'flex-shrink',
  'flex-basis',
  'justify-content',
  'align-items',
  'align-self',
  'align-content',
  'order',
  'gap',
  'row-gap',
  'column-gap',
  'grid-template-columns',
  'grid-template-rows',
  'grid-column',
  'grid-row',
  'grid-area',
  'grid-template-areas',
  'list-style-type',
  'list-style-position',
  'table-layout',
  'caption-side',
  'cursor',
  'transition',
  'transition-property',
  'transition-duration',
  'transition-timing-function',
  'transform',
  'filter',
  'content',
  'quotes',
  'accent-color',
  'aspect-ratio',
  'object-fit',
]);

/** Functions allowed in values; var() only reads the theme's own properties (--tender-*). */
const CSS_FUNCTIONS: ReadonlySet<string> = new Set([
  'rgb',
  'rgba',
  'hsl',
  'hsla',
  'calc',
  'min',
  'max',
  'clamp',
  'var',
  'linear-gradient',
  'radial-gradient',
  'repeating-linear-gradient',
  'repeating-radial-gradient',
  'translate',
  'translatex',
  'translatey',
  'scale',
  'rotate',
  'repeat',
  'minmax',
  'blur',
  'brightness',
  'contrast',
  'grayscale',
  'color-mix',
  'cubic-bezier',
]);

/** Properties whose url() may name an image (https only). */
const IMAGE_PROPERTIES: ReadonlySet<string> = new Set(['background', 'background-image']);

const PSEUDO_CLASSES: ReadonlySet<string> = new Set([
  'hover',
  'focus',
  'focus-visible',
  'focus-within',
  'active',
  'first-child',
  'last-child',
  'only-child',
  'nth-child',
  'nth-last-child',
  'first-of-type',
  'last-of-type',
  'nth-of-type',
  'empty',
  'root',
  'not',
  'is',
  'where',
  'lang',
  'dir',
]);
const PSEUDO_ELEMENTS: ReadonlySet<string> = new Set(['before', 'after', 'first-line', 'first-letter', 'marker', 'selection']);
const AT_RULES: ReadonlySet<string> = new Set(['media']);

const PLAIN_NAME = /^-?[a-z][a-z0-9-]*$/i;

interface CssProblem {
  readonly node: csstree.CssNode;
  readonly reason: string;
}

/**
 * Merchant CSS for the payment page, parsed by css-tree (a spec-following CSS
 * parser) and checked against allow-lists: the properties above, values made of
 * plain keywords, numbers, colours, strings without `<` and the functions above,
 * `url()` only for an https image in `background`/`background-image`, selectors of
 * elements, classes, ids and the listed pseudo-classes (no attribute selectors: they
 * could read values on the page), and no at-rule but `@media` (so no `@import`,
 * `@font-face`, `@charset`, `@namespace`). Refused with `custom_css_invalid` naming
 * the line, so the merchant sees what to change; the stored text is the merchant's.
 *
 * @example
 * ```ts
 * checkCustomCss('.pay-button { letter-spacing: 0.05em; }'); // accepted
 * checkCustomCss('@import "https://x.example/a.css";');      // throws custom_css_invalid
 * ```
 */
export function checkCustomCss(css: string): string {
  if (Buffer.byteLength(css, 'utf8') > CUSTOM_CSS_MAX_BYTES) {
    throw new TenderError('custom_css_invalid', { param: 'custom_css', message: `Custom CSS is limited to ${CUSTOM_CSS_MAX_BYTES} bytes.` });
  }
  const { ast, syntaxError } = parse(css);
  if (syntaxError !== undefined)
    throw new TenderError('custom_css_invalid', { param: 'custom_css', message: `Line ${syntaxError.line}: ${syntaxError.reason}.` });
  const problems = check(ast, false);
  const first = problems[0];
  if (first !== undefined)
    throw new TenderError('custom_css_invalid', { param: 'custom_css', message: `Line ${first.node.loc?.start.line ?? 1}: ${first.reason}.` });
  return css.trim();
}

const renderCache = new Map<string, string>();

/**
 * The CSS a page carries for stored merchant CSS: parsed again, every rule,
 * declaration or at-rule outside the allow-list dropped, and written out by the
 * parser's generator (never the stored text itself). This is the guard at render
 * time, for CSS stored before the checks above existed and anything they miss.
 *
 * @example
 * ```ts
 * renderableCss('a { color: red; background: url(http://x.example/t.gif) }'); // 'a{color:red}'
 * ```
 */
export function renderableCss(css: string): string {
  const cached = renderCache.get(css);
  if (cached !== undefined) return cached;
  let out = '';
  if (Buffer.byteLength(css, 'utf8') <= CUSTOM_CSS_MAX_BYTES) {
    const { ast } = parse(css);
    check(ast, true);
    out = csstree.generate(ast);
    // Belt and braces: nothing the generator wrote may end the <style> element.
    if (out.includes('<')) out = '';
  }
  if (renderCache.size >= 500) renderCache.clear();
  renderCache.set(css, out);
  return out;
}

function parse(css: string): { ast: csstree.CssNode; syntaxError: { line: number; reason: string } | undefined } {
  let syntaxError: { line: number; reason: string } | undefined;
  const ast = csstree.parse(css, {
    positions: true,
    parseCustomProperty: false,
    onParseError: (error) => {
      syntaxError ??= { line: (error as { line?: number }).line ?? 1, reason: `the CSS cannot be parsed (${error.message})` };
    },
  });
  return { ast, syntaxError };
}

/**
 * Walks the stylesheet; collects problems, or (when `drop`) removes the offending
 * declaration, rule or at-rule from the tree in place.
 */
function check(ast: csstree.CssNode, drop: boolean): CssProblem[] {
  const problems: CssProblem[] = [];
  if (ast.type !== 'StyleSheet') return [{ node: ast, reason: 'not a stylesheet' }];
  filterList(ast.children, (node) => checkTopLevel(node, problems), drop);
  return problems;
}

function filterList(list: csstree.List<csstree.CssNode>, keep: (node: csstree.CssNode) => boolean, drop: boolean): void {
  const doomed: csstree.ListItem<csstree.CssNode>[] = [];
  list.forEach((node, item) => {
    if (!keep(node)) doomed.push(item);
  });
  if (drop) for (const item of doomed) list.remove(item);
}

function checkTopLevel(node: csstree.CssNode, problems: CssProblem[]): boolean {
  if (node.type === 'Atrule') {
    const name = node.name.toLowerCase();
    if (!AT_RULES.has(name)) return fail(problems, node, `@${node.name} is not allowed${name === 'import' ? ' (nothing may be loaded from elsewhere)' : ''}`);
    if (node.prelude !== null && !plainPrelude(node.prelude)) return fail(problems, node, `the @${name} condition may hold only media features`);
    if (node.block === null) return fail(problems, node, `@${name} needs a block`);
    let ok = true;
    filterList(
      node.block.children,
      (child) => {
        const kept = child.type === 'Rule' ? checkRule(child, problems) : fail(problems, child, `only rules are allowed inside @${name}`);
        ok &&= kept;
        return kept;
      },
      true,
    );
    return ok || node.block.children.size > 0;
  }
  if (node.type === 'Rule') return checkRule(node, problems);
  return fail(problems, node, 'only rules and @media are allowed');
}

function checkRule(rule: csstree.Rule, problems: CssProblem[]): boolean {
  let selectorOk = true;
  csstree.walk(rule.prelude, (n) => {
    if (!selectorOk) return;
    const reason = selectorProblem(n);
    if (reason !== undefined) selectorOk = fail(problems, n, reason);
  });
  if (!selectorOk) return false;
  const before = problems.length;
  filterList(
    rule.block.children,
    (d) => (d.type === 'Declaration' ? checkDeclaration(d, problems) : fail(problems, d, 'only declarations are allowed in a rule')),
    true,
  );
  return problems.length === before || rule.block.children.size > 0;
}

function selectorProblem(n: csstree.CssNode): string | undefined {
  switch (n.type) {
    case 'SelectorList':
    case 'Selector':
    case 'Combinator':
    case 'Nth':
    case 'AnPlusB':
      return undefined;
    case 'TypeSelector':
    case 'ClassSelector':
    case 'IdSelector':
      return n.name === '*' || PLAIN_NAME.test(n.name) ? undefined : `the selector name ${n.name} is not allowed (no escapes)`;
    case 'Identifier':
      return PLAIN_NAME.test(n.name) ? undefined : `${n.name} is not allowed`;
    case 'PseudoClassSelector':
      return PSEUDO_CLASSES.has(n.name.toLowerCase()) ? undefined : `:${n.name} is not allowed`;
    case 'PseudoElementSelector':
      return PSEUDO_ELEMENTS.has(n.name.toLowerCase()) ? undefined : `::${n.name} is not allowed`;
    case 'AttributeSelector':
      return 'attribute selectors are not allowed (they could read values on the page)';
    default:
      return `${n.type} is not allowed in a selector`;
  }
}

function checkDeclaration(d: csstree.Declaration, problems: CssProblem[]): boolean {
  const property = d.property.toLowerCase();
  if (property.startsWith('--')) return fail(problems, d, 'custom properties cannot be set here; use the branding colours, font and button style');
  if (!CSS_PROPERTIES.has(property)) return fail(problems, d, `the property ${d.property} is not allowed`);
  let ok = true;
  csstree.walk(d.value, (n) => {
    if (!ok) return;
    const reason = valueProblem(n, property);
    if (reason !== undefined) ok = fail(problems, n, reason);
  });
  return ok;
}

function valueProblem(n: csstree.CssNode, property: string): string | undefined {
  switch (n.type) {
    case 'Value':
    case 'Number':
    case 'Dimension':
    case 'Percentage':
    case 'Hash':
    case 'Operator':
    case 'Parentheses':
      return undefined;
    case 'Identifier':
      return PLAIN_NAME.test(n.name) ? undefined : `${n.name} is not allowed (no escapes)`;
    case 'String':
      return n.value.includes('<') ? "'<' is not allowed in CSS strings" : undefined;
    case 'Function': {
      const name = n.name.toLowerCase();
      if (!CSS_FUNCTIONS.has(name)) return `${n.name}() is not allowed`;
      if (name === 'var') {
        const first = n.children.first;
        if (first?.type !== 'Identifier' || !first.name.startsWith('--tender-')) return 'var() may read only the theme properties (--tender-...)';
      }
      return undefined;
    }
    case 'Url':
      if (!IMAGE_PROPERTIES.has(property)) return `url() is allowed only in background and background-image`;
      return imageUrlProblem(n.value);
    case 'Raw':
      return 'this value cannot be checked';
    default:
      return `${n.type} is not allowed in a value`;
  }
}

function imageUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && value.startsWith('https://') ? undefined : 'url() must be an https image address';
  } catch {
    return 'url() must be an https image address';
  }
}

function plainPrelude(prelude: csstree.AtrulePrelude | csstree.Raw): boolean {
  let ok = true;
  csstree.walk(prelude, (n) => {
    if (
      [
        'AtrulePrelude',
        'MediaQueryList',
        'MediaQuery',
        'Condition',
        'Feature',
        'FeatureRange',
        'MediaFeature',
        'Number',
        'Dimension',
        'Ratio',
        'Identifier',
        'Parentheses',
        'Comparison',
      ].includes(n.type)
    ) {
      if (n.type === 'Identifier' && !PLAIN_NAME.test(n.name)) ok = false;
      return;
    }
    ok = false;
  });
  return ok;
}

function fail(problems: CssProblem[], node: csstree.CssNode, reason: string): false {
  problems.push({ node, reason });
  return false;
}
