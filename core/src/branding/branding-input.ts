import { z } from 'zod';
import { textRule } from '../http/validation';

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f5eff');

/** A web origin allowed to frame the page (iframe embedding): scheme, host and port only. */
const origin = z
  .string()
  .max(200)
  .refine((o) => {
    try {
      const u = new URL(o);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
    } catch {
      return false;
    }
  }, 'must be an origin such as https://shop.example (no path, no trailing slash)');

/** Fonts a merchant may pick: system font stacks, so the page loads nothing from elsewhere. */
export const FONT_STACKS = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", sans-serif',
  serif: 'Georgia, "Times New Roman", "Noto Serif", serif',
  rounded: 'ui-rounded, "SF Pro Rounded", "Nunito", system-ui, sans-serif',
  monospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
} as const;

export const BUTTON_RADII = { rounded: '10px', square: '0', pill: '999px' } as const;

/** PUT /v1/branding: every field optional; a field sent replaces the stored one, null clears it. */
export const brandingSchema = z
  .object({
    logo_url: z
      .string()
      .max(2000)
      .url()
      .refine((u) => u.startsWith('https://'), 'must be an https URL')
      .superRefine(textRule('identifier'))
      .nullable()
      .optional(),
    primary_color: color.nullable().optional(),
    background_color: color.nullable().optional(),
    text_color: color.nullable().optional(),
    font: z.enum(['system', 'serif', 'rounded', 'monospace']).nullable().optional(),
    button_style: z.enum(['rounded', 'square', 'pill']).nullable().optional(),
    custom_css: z.string().max(20_000).superRefine(textRule('multiline')).nullable().optional(),
    template: z.string().max(40_000).superRefine(textRule('multiline')).nullable().optional(),
    frame_ancestors: z.array(origin).max(10).nullable().optional(),
  })
  .strict();

export type BrandingInput = z.output<typeof brandingSchema>;
