const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };

/**
 * Text made safe to place in HTML, in element content or a quoted attribute. A
 * screen's fragment goes into the dashboard's layout as it is, so everything it
 * interpolates passes through here.
 *
 * @example
 * ```ts
 * `<td>${escapeHtml(query.q ?? '')}</td>`
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ENTITIES[c] ?? c);
}
