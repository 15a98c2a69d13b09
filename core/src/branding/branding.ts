import { BUTTON_RADII, FONT_STACKS } from './branding-input';
import { renderableCss } from './custom-css';

/** A merchant's page branding as stored (merchant_branding.settings) plus its template. */
export interface Branding {
  readonly logoUrl: string | null;
  readonly primaryColor: string | null;
  readonly backgroundColor: string | null;
  readonly textColor: string | null;
  readonly font: keyof typeof FONT_STACKS | null;
  readonly buttonStyle: keyof typeof BUTTON_RADII | null;
  readonly customCss: string | null;
  readonly frameAncestors: readonly string[];
  readonly template: string | null;
  readonly updatedAt: number | null;
}

export const DEFAULT_BRANDING: Branding = {
  logoUrl: null,
  primaryColor: null,
  backgroundColor: null,
  textColor: null,
  font: null,
  buttonStyle: null,
  customCss: null,
  frameAncestors: [],
  template: null,
  updatedAt: null,
};

export interface BrandingView {
  object: 'branding';
  logo_url: string | null;
  primary_color: string | null;
  background_color: string | null;
  text_color: string | null;
  font: string | null;
  button_style: string | null;
  custom_css: string | null;
  template: string | null;
  frame_ancestors: string[];
  updated_at: string | null;
}

export function brandingView(b: Branding): BrandingView {
  return {
    object: 'branding',
    logo_url: b.logoUrl,
    primary_color: b.primaryColor,
    background_color: b.backgroundColor,
    text_color: b.textColor,
    font: b.font,
    button_style: b.buttonStyle,
    custom_css: b.customCss,
    template: b.template,
    frame_ancestors: [...b.frameAncestors],
    updated_at: b.updatedAt === null ? null : new Date(b.updatedAt).toISOString(),
  };
}

/**
 * The CSS that applies a branding on top of the theme: custom properties, then the
 * merchant's CSS as the CSS parser writes it back after dropping anything outside
 * the allow-list (custom-css.ts). Colours, font and radius passed the input schema,
 * so nothing here can close the <style> element.
 */
export function brandingCss(b: Branding): string {
  const css = b.customCss === null ? '' : renderableCss(b.customCss);
  return `${islandCss(b)}${css}`;
}

/**
 * The branding as the payment form island takes it: colours, font and button style
 * only. The merchant's own CSS stays outside the island, so it cannot hide, move or
 * relabel the card fields.
 */
export function islandCss(b: Branding): string {
  const vars: string[] = [];
  // The schema checked these when they were stored; checked again so an older or hand-edited row cannot carry CSS.
  const colour = (c: string | null): c is string => c !== null && /^#[0-9a-fA-F]{6}$/.test(c);
  if (colour(b.primaryColor)) vars.push(`--tender-primary: ${b.primaryColor};`);
  if (colour(b.backgroundColor)) vars.push(`--tender-background: ${b.backgroundColor};`);
  if (colour(b.textColor)) vars.push(`--tender-text: ${b.textColor};`);
  if (b.font !== null && Object.hasOwn(FONT_STACKS, b.font)) vars.push(`--tender-font: ${FONT_STACKS[b.font]};`);
  if (b.buttonStyle !== null && Object.hasOwn(BUTTON_RADII, b.buttonStyle)) vars.push(`--tender-radius: ${BUTTON_RADII[b.buttonStyle]};`);
  return vars.length === 0 ? '' : `:root { ${vars.join(' ')} }\n`;
}
