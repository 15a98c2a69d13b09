import { NextAction } from '../banks/bank-adapter';
import { PageLocale } from './page-locale';

/** What the next-action page template reads (PageContext.next_action). */
export interface NextActionPageContext {
  readonly type: NextAction['type'];
  readonly qr: { readonly image_data_url: string } | null;
  readonly mobile_url: string | null;
  readonly redirect_url: string | null;
  readonly expires: string | null;
  readonly expires_iso: string | null;
}

/** Images a QR code may come as: PNG or SVG, base64, nothing else (an SVG is shown by <img>, which runs no script in it). */
const QR_IMAGE = /^data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/]+=*$/;

/**
 * The page's view of a payment's next action. What an adapter sent is checked
 * again here, because it ends up in an `href` or `src`: links only http(s) (a
 * `javascript:` URL would run on the gateway's origin), images only data URLs of
 * the two kinds above. Anything else is left off the page, which still polls.
 *
 * @example
 * ```ts
 * nextActionPage({ type: 'redirect_to_url', url: 'https://wallet.example/p/1' }, Date.now() + 600_000, 'ru');
 * ```
 */
export function nextActionPage(action: NextAction, expiresAt: number | null, locale: PageLocale): NextActionPageContext {
  const expires = expiresAt === null ? null : new Date(expiresAt);
  const time =
    expires === null ? null : new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }).format(expires);
  const common = { type: action.type, expires: time, expires_iso: expires?.toISOString() ?? null };
  if (action.type === 'display_qr') {
    return {
      ...common,
      qr: QR_IMAGE.test(action.qr.image_data_url) ? { image_data_url: action.qr.image_data_url } : null,
      mobile_url: webUrl(action.mobile_url),
      redirect_url: null,
    };
  }
  return { ...common, qr: null, mobile_url: null, redirect_url: webUrl(action.url) };
}

/** The URL when it is http(s), else null. Bank apps' own schemes are reached through their https universal links. */
export function webUrl(value: string | undefined): string | null {
  if (value === undefined) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}
