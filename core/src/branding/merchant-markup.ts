import sanitizeHtml from 'sanitize-html';
import { Parser } from 'htmlparser2';

/**
 * The one allow-list of what merchant markup (a rendered merchant template) may
 * contain on a Tender page. Everything else is removed after rendering by
 * `sanitizeMerchantMarkup`, whatever the template source looked like: no scripts, no
 * event handlers, no forms or fields, no other documents (iframe, object, embed), no
 * base, meta or link, no SVG or MathML, URLs only http(s)/mailto/tel for links and
 * https or data:image for images, style attributes only with the properties below.
 * docs/branding.md quotes this list; the browser suite (test/security/) drives
 * published XSS vectors through it in Chromium.
 */
export const MERCHANT_TAGS: readonly string[] = [
  'a',
  'abbr',
  'address',
  'article',
  'aside',
  'b',
  'bdi',
  'bdo',
  'blockquote',
  'br',
  'caption',
  'cite',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'details',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'main',
  'mark',
  'nav',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'samp',
  'section',
  'small',
  'span',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'time',
  'tr',
  'u',
  'ul',
  'var',
  'wbr',
];

/** Attributes every allowed element may carry. */
const GLOBAL_ATTRIBUTES = ['class', 'id', 'title', 'lang', 'dir', 'role', 'aria-*', 'style'];

const ELEMENT_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'target', 'rel'],
  img: ['src', 'alt', 'width', 'height', 'loading'],
  td: ['colspan', 'rowspan', 'headers'],
  th: ['colspan', 'rowspan', 'headers', 'scope', 'abbr'],
  col: ['span'],
  colgroup: ['span'],
  ol: ['start', 'reversed', 'type'],
  li: ['value'],
  time: ['datetime'],
  details: ['open'],
};

/** URL schemes of links; relative URLs (the gateway's own paths) are allowed too, protocol-relative ones are not. */
const LINK_SCHEMES = ['https', 'http', 'mailto', 'tel'];
/** Images: https, or an inline data:image (checked to be an image type below). */
const IMAGE_SCHEMES = ['https', 'data'];

const LENGTH = /^(?:(?:-?\d*\.?\d+(?:px|em|rem|%|vh|vw|ch|ex)?|auto)\s*){1,4}$/i;
const COLOUR = /^(?:#[0-9a-f]{3,8}|[a-z]{3,20}|rgba?\(\s*[\d.%\s,/]+\)|hsla?\(\s*[\d.%\s,/deg]+\))$/i;
const BORDER =
  /^(?:(?:-?\d*\.?\d+(?:px|em|rem)?|none|solid|dashed|dotted|double|thin|medium|thick|#[0-9a-f]{3,8}|[a-z]{3,20}|rgba?\(\s*[\d.%\s,/]+\))\s*){1,3}$/i;

/** style="" properties a merchant element may set, each with the values it takes (no url(), no functions but colours). */
export const MERCHANT_STYLE_PROPERTIES: Readonly<Record<string, RegExp[]>> = {
  color: [COLOUR],
  'background-color': [COLOUR],
  'text-align': [/^(?:start|end|left|right|center|justify)$/],
  'font-weight': [/^(?:normal|bold|bolder|lighter|[1-9]00)$/],
  'font-style': [/^(?:normal|italic|oblique)$/],
  'font-size': [LENGTH, /^(?:small|medium|large|x-large|xx-large|smaller|larger)$/],
  'text-decoration': [/^(?:none|underline|line-through|overline)$/],
  'text-transform': [/^(?:none|uppercase|lowercase|capitalize)$/],
  'letter-spacing': [LENGTH, /^normal$/],
  'line-height': [LENGTH, /^normal$/, /^\d*\.?\d+$/],
  margin: [LENGTH],
  'margin-top': [LENGTH],
  'margin-bottom': [LENGTH],
  'margin-left': [LENGTH],
  'margin-right': [LENGTH],
  'margin-block': [LENGTH],
  'margin-inline': [LENGTH],
  padding: [LENGTH],
  'padding-top': [LENGTH],
  'padding-bottom': [LENGTH],
  'padding-left': [LENGTH],
  'padding-right': [LENGTH],
  'padding-block': [LENGTH],
  'padding-inline': [LENGTH],
  width: [LENGTH],
  'max-width': [LENGTH],
  'min-width': [LENGTH],
  height: [LENGTH],
  'max-height': [LENGTH],
  border: [BORDER],
  'border-top': [BORDER],
  'border-bottom': [BORDER],
  'border-radius': [LENGTH],
  display: [/^(?:block|inline|inline-block|flex|inline-flex|grid|none)$/],
  gap: [LENGTH],
  'vertical-align': [/^(?:top|middle|bottom|baseline)$/],
};

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...MERCHANT_TAGS],
  allowedAttributes: {
    '*': GLOBAL_ATTRIBUTES,
    ...Object.fromEntries(Object.entries(ELEMENT_ATTRIBUTES).map(([tag, attributes]) => [tag, [...attributes]])),
    // Only "new tab": a named target could navigate another frame of the page.
    a: ['href', 'rel', { name: 'target', multiple: false, values: ['_blank'] }],
  },
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: { img: IMAGE_SCHEMES },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  allowedStyles: { '*': MERCHANT_STYLE_PROPERTIES },
  parseStyleAttributes: true,
  // Content of these is dropped with the element (the others keep their text, escaped).
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'title',
    'xmp',
    'iframe',
    'noembed',
    'noframes',
    'template',
    'select',
    'svg',
    'math',
    'object',
    'plaintext',
  ],
  disallowedTagsMode: 'discard',
  allowVulnerableTags: false,
  enforceHtmlBoundary: false,
  parser: { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: attribs.target === '_blank' ? { ...attribs, rel: 'noopener noreferrer' } : attribs }),
    img: (tagName, attribs) => {
      const src = attribs.src ?? '';
      // data: only as an image (a data:text/html "image" is not one).
      if (/^\s*data:/i.test(src) && !/^data:image\/(?:png|gif|jpeg|webp|avif);base64,[a-z0-9+/=\s]+$/i.test(src.trim())) {
        const { src: _dropped, ...rest } = attribs;
        return { tagName, attribs: rest };
      }
      return { tagName, attribs };
    },
  },
};

/**
 * Merchant markup as it may appear on a page: the HTML a merchant template rendered,
 * cleaned by sanitize-html with the allow-list above. Run on every render (the
 * template check at save time is for the merchant's benefit; this is the guard).
 *
 * @example
 * ```ts
 * sanitizeMerchantMarkup('<p onclick="x()">Hi<script>steal()</script></p>'); // '<p>Hi</p>'
 * ```
 *
 * `placeholders` are element names the caller replaces afterwards with gateway
 * markup (the island's frame); they keep no attributes but the global ones.
 *
 * ```ts
 * ```
 */
export function sanitizeMerchantMarkup(html: string, placeholders: readonly string[] = []): string {
  return sanitizeHtml(html, placeholders.length === 0 ? OPTIONS : { ...OPTIONS, allowedTags: [...MERCHANT_TAGS, ...placeholders] });
}

/**
 * The first thing in rendered merchant markup that the sanitiser would remove, with
 * its line, so a template is refused with a reason instead of silently changed.
 *
 * @example
 * ```ts
 * findMarkupProblem('<p>\n<img src=x onerror=alert(1)>'); // { line: 2, reason: "event handler attributes (onerror) are not allowed" }
 * ```
 */
export function findMarkupProblem(html: string, placeholders: readonly string[] = []): { line: number; reason: string } | undefined {
  let problem: { line: number; reason: string } | undefined;
  const parser: Parser = new Parser(
    {
      onopentag(name, attributes) {
        if (problem !== undefined) return;
        const reason = tagProblem(name, attributes, placeholders);
        if (reason !== undefined) problem = { line: html.slice(0, parser.startIndex).split('\n').length, reason };
      },
    },
    { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return problem;
}

function tagProblem(name: string, attributes: Record<string, string>, placeholders: readonly string[]): string | undefined {
  if (placeholders.includes(name)) return undefined;
  if (!MERCHANT_TAGS.includes(name)) {
    if (name === 'script') return '<script> is not allowed; the page brings its own script';
    if (['form', 'input', 'button', 'select', 'textarea', 'option'].includes(name))
      return `<${name}> is not allowed: the payment form is the gateway's ({{> card_form}})`;
    return `<${name}> is not allowed in a payment page template`;
  }
  const allowed = [...(ELEMENT_ATTRIBUTES[name] ?? []), ...GLOBAL_ATTRIBUTES];
  for (const [attribute, value] of Object.entries(attributes)) {
    if (/^on/i.test(attribute)) return `event handler attributes (${attribute}) are not allowed`;
    if (!allowed.includes(attribute) && !(attribute.startsWith('aria-') && allowed.includes('aria-*')))
      return `the attribute ${attribute} is not allowed on <${name}>`;
    if (attribute === 'target' && value !== '_blank') return 'target may only be _blank';
    if (attribute === 'style') {
      const reason = styleProblem(value);
      if (reason !== undefined) return reason;
    }
    if (attribute === 'href' || attribute === 'src') {
      const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(value.replace(/[\u0000-\u0020]/g, ''))?.[1]?.toLowerCase();
      const schemes = name === 'img' && attribute === 'src' ? IMAGE_SCHEMES : LINK_SCHEMES;
      if (scheme !== undefined && !schemes.includes(scheme)) return `${scheme}: URLs are not allowed in ${attribute}`;
      if (scheme === undefined && /^\s*[/\\]{2}/.test(value)) return 'protocol-relative URLs are not allowed';
      if (scheme === 'data' && !/^data:image\/(?:png|gif|jpeg|webp|avif);base64,/i.test(value.trim())) return 'data: URLs are allowed only as base64 images';
    }
  }
  return undefined;
}

/** Why a style attribute would lose a declaration to the sanitiser, if it would. */
function styleProblem(style: string): string | undefined {
  for (const declaration of style.split(';')) {
    if (declaration.trim() === '') continue;
    const colon = declaration.indexOf(':');
    const property = (colon < 0 ? declaration : declaration.slice(0, colon)).trim().toLowerCase();
    const value =
      colon < 0
        ? ''
        : declaration
            .slice(colon + 1)
            .replace(/!important\s*$/i, '')
            .trim();
    const patterns = MERCHANT_STYLE_PROPERTIES[property];
    if (patterns === undefined)
      return `style: the property ${property} is not allowed (allowed: ${Object.keys(MERCHANT_STYLE_PROPERTIES).join(', ')}; use custom_css for more)`;
    if (!patterns.some((p) => p.test(value))) return `style: the value of ${property} is not allowed`;
  }
  return undefined;
}
