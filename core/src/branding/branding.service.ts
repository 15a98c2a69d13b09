import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Queryable } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';
import { BrandingInput } from './branding-input';
import { Branding, DEFAULT_BRANDING } from './branding';
import { checkCustomCss } from './custom-css';
import { PageTheme } from '../pages/page-theme';

/**
 * Merchant branding for the hosted page (GET/PUT /v1/branding). A PUT merges the
 * fields it names into what is stored; the template and CSS are checked (and the
 * template compiled) before anything is written, so a bad one is refused and the
 * old branding stays.
 *
 * @example
 * ```ts
 * await branding.update(ctx, { primary_color: '#0a7d32', template: '<main>{{> card_form}}</main>' });
 * ```
 */
@injectable()
export class BrandingService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PageTheme) private readonly theme: PageTheme,
  ) {}

  async get(ctx: MerchantContext, q: Queryable = this.db): Promise<Branding> {
    const row = await q('merchant_branding').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    if (row === undefined) return DEFAULT_BRANDING;
    const s = JSON.parse(String(row.settings)) as Partial<Branding>;
    return { ...DEFAULT_BRANDING, ...s, template: row.template ?? null, updatedAt: Number(row.updated_at) };
  }

  /** The branding `input` would produce, checked, without storing it (also used by the preview). */
  async merged(ctx: MerchantContext, input: BrandingInput): Promise<Branding> {
    const current = await this.get(ctx);
    const pick = <T>(value: T | null | undefined, old: T | null): T | null => (value === undefined ? old : value);
    const customCss = pick(input.custom_css, current.customCss);
    const template = pick(input.template, current.template);
    const next: Branding = {
      logoUrl: pick(input.logo_url, current.logoUrl),
      primaryColor: pick(input.primary_color, current.primaryColor),
      backgroundColor: pick(input.background_color, current.backgroundColor),
      textColor: pick(input.text_color, current.textColor),
      font: pick(input.font, current.font),
      buttonStyle: pick(input.button_style, current.buttonStyle),
      customCss: customCss === null || customCss.trim() === '' ? null : checkCustomCss(customCss),
      frameAncestors: input.frame_ancestors === undefined ? current.frameAncestors : (input.frame_ancestors ?? []),
      template: template === null || template.trim() === '' ? null : template,
      updatedAt: this.clock.now(),
    };
    // Throws template_invalid (with the line) before anything is written.
    if (next.template !== null) this.theme.merchantTemplate(next.template);
    return next;
  }

  async update(ctx: MerchantContext, input: BrandingInput): Promise<Branding> {
    const next = await this.merged(ctx, input);
    const { template, updatedAt, ...settings } = next;
    const row = {
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      settings: JSON.stringify(settings),
      template,
      updated_at: updatedAt ?? this.clock.now(),
    };
    await this.db('merchant_branding').insert(row).onConflict(['merchant_id', 'livemode']).merge(['settings', 'template', 'updated_at']);
    return next;
  }
}
