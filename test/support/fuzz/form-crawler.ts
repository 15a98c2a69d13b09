/** A POST form as a page renders it: where it goes and the fields it sends. */
export interface CrawledForm {
  readonly action: string;
  readonly fields: ReadonlyArray<readonly [string, string]>;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&#x3D;': '=', '&#x60;': '`' };
const decode = (s: string): string => s.replace(/&(?:amp|lt|gt|quot|#x27|#39|#x3D|#x60);/g, (e) => ENTITIES[e] ?? e);
const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m?.[1] === undefined ? undefined : decode(m[1]);
};

/**
 * The POST forms of an HTML page (action resolved against `pagePath`), with their
 * inputs, textareas and selects (first option) and buttons with a name: seeds for
 * the fuzzer, so web routes get the fields their screens really send (hidden CSRF
 * and form tokens included) before those are mutated.
 *
 * @example
 * ```ts
 * formsOf(html, '/dashboard/team'); // [{ action: '/dashboard/team', fields: [['_csrf', '...'], ['email', ''], ['role', 'owner']] }]
 * ```
 */
export function formsOf(html: string, pagePath: string): CrawledForm[] {
  const out: CrawledForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = m[1] ?? '';
    if ((attr(open, 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const action = new URL(attr(open, 'action') ?? pagePath, `http://gateway.test${pagePath}`).pathname;
    const body = m[2] ?? '';
    const fields: Array<readonly [string, string]> = [];
    for (const input of body.matchAll(/<(input|button)\b([^>]*)>/gi)) {
      const name = attr(input[2] ?? '', 'name');
      if (name !== undefined) fields.push([name, attr(input[2] ?? '', 'value') ?? '']);
    }
    for (const ta of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
      const name = attr(ta[1] ?? '', 'name');
      if (name !== undefined) fields.push([name, decode(ta[2] ?? '')]);
    }
    for (const sel of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const name = attr(sel[1] ?? '', 'name');
      const first = /<option\b[^>]*value="([^"]*)"/i.exec(sel[2] ?? '')?.[1];
      if (name !== undefined) fields.push([name, decode(first ?? '')]);
    }
    out.push({ action, fields });
  }
  return out;
}
