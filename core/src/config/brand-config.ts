import { z } from 'zod';

/**
 * The operator's brand (white label): what the dashboard, the console, the sign-up
 * page, the buyers' status pages and every e-mail call the service and how they reach
 * its support. A merchant's own branding (its payment page) is separate (docs/branding.md).
 *
 * @example
 * ```ts
 * const brand = loadBrandConfig({ TENDER_BRAND_NAME: 'Acme Pay' }, 'https://pay.acme.example');
 * brand.name;   // 'Acme Pay'
 * brand.domain; // 'pay.acme.example' (Message-ID and the default sender's domain)
 * ```
 */
export interface OperatorBrand {
  /** TENDER_BRAND_NAME; default `Tender`. */
  readonly name: string;
  /** TENDER_BRAND_LOGO_URL: an https address or a path on the gateway (`/pay/assets/logo.svg`); none by default. */
  readonly logoUrl: string | undefined;
  /** TENDER_BRAND_COLOR (`#rrggbb`): the accent of the dashboard, console, sign-up and status pages. */
  readonly color: string | undefined;
  /** TENDER_BRAND_DOMAIN: the e-mails' Message-ID domain and the default sender's; default the public URL's host. */
  readonly domain: string;
  /** The support contacts (TENDER_SUPPORT_EMAIL, TENDER_SUPPORT_PHONE), shown on the pages and in e-mails. */
  readonly supportEmail: string | undefined;
  readonly supportPhone: string | undefined;
}

/** The brand of an instance that sets none (and of renderers built without a configuration). */
export const DEFAULT_BRAND: OperatorBrand = {
  name: 'Tender',
  logoUrl: undefined,
  color: undefined,
  domain: 'localhost',
  supportEmail: undefined,
  supportPhone: undefined,
};

/** Text shown as is in pages and e-mail headers: no markup, no line breaks. */
const plainName = z
  .string()
  .min(1)
  .max(60)
  .refine((s) => !/[<>"\r\n\u0000-\u001f]/.test(s), 'must be plain text (no <, >, " or control characters)');

const schema = z.object({
  TENDER_BRAND_NAME: plainName.default('Tender'),
  TENDER_BRAND_LOGO_URL: z
    .string()
    .max(2048)
    .refine(
      (u) => /^https:\/\/[^\s"'<>]+$/.test(u) || /^\/(?!\/)[^\s"'<>]*$/.test(u),
      'must be an https URL or a path on the gateway such as /pay/assets/logo.svg',
    )
    .optional(),
  TENDER_BRAND_COLOR: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour #rrggbb')
    .optional(),
  TENDER_BRAND_DOMAIN: z
    .string()
    .max(253)
    .regex(
      /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/,
      'must be a domain name such as pay.example.com',
    )
    .optional(),
  TENDER_SUPPORT_EMAIL: z.string().optional(),
  TENDER_SUPPORT_PHONE: z.string().optional(),
});

export function loadBrandConfig(env: Record<string, string | undefined>, publicUrl: string): OperatorBrand | { error: string[] } {
  const parsed = schema.safeParse(env);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const e = parsed.data;
  return {
    name: e.TENDER_BRAND_NAME,
    logoUrl: e.TENDER_BRAND_LOGO_URL,
    color: e.TENDER_BRAND_COLOR?.toLowerCase(),
    domain: (e.TENDER_BRAND_DOMAIN ?? new URL(publicUrl).hostname).toLowerCase(),
    // Validated with the notification settings (notifications-config.ts).
    supportEmail: e.TENDER_SUPPORT_EMAIL,
    supportPhone: e.TENDER_SUPPORT_PHONE,
  };
}

/**
 * The brand as templates see it (`{{operator.name}}` in e-mails; the pages' footer and
 * header), snake_case like the rest of the template data.
 */
export function brandTemplateData(brand: OperatorBrand): Readonly<Record<string, string | null>> {
  return {
    name: brand.name,
    logo_url: brand.logoUrl ?? null,
    color: brand.color ?? null,
    domain: brand.domain,
    support_email: brand.supportEmail ?? null,
    support_phone: brand.supportPhone ?? null,
  };
}
