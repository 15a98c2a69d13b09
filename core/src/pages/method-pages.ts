import Handlebars from 'handlebars';
import { inject, injectable } from 'tsyringe';
import { PaymentMethod } from '../methods/payment-method';
import { PaymentMethodRegistry } from '../methods/payment-method.registry';
import { MethodPartState } from '../methods/payment-method-page';
import { Payment } from '../payments/payment';
import { PageTheme } from './page-theme';
import { PageLocale, message } from './page-locale';
import { PageContext } from './page-context';
import { IslandState } from './payment-island';
import { MethodPartAddon } from '../methods/method-part-addon';
import { MethodPartAddonRegistry } from '../methods/method-part-addon.registry';

/** What every part of one island render shares. */
export interface PartsRender {
  readonly locale: PageLocale;
  readonly token: string;
  readonly state: IslandState;
  readonly failure: { readonly title: string; readonly text: string; readonly retry: string } | null;
}

/**
 * The payment methods' parts of the payment form island: each method's page
 * template, compiled at start in the theme's environment (a template with unescaped
 * output stops the gateway), rendered in registration order for the methods this
 * payment offers, inside the island document only. Message keys of a method are
 * its own (`m.key`, PaymentMethodPage.messages) or the theme's.
 *
 * @example
 * ```ts
 * const methods = await methodPages.offered(payment);
 * const parts = await methodPages.render(methods, payment, islandContext, { locale, token, state: {}, failure: null });
 * ```
 */
@injectable()
export class MethodPages {
  private readonly templates = new Map<string, (context: Record<string, unknown>) => Handlebars.SafeString>();
  private readonly addonTemplates = new Map<string, (context: Record<string, unknown>) => Handlebars.SafeString>();

  constructor(
    @inject(PageTheme) private readonly theme: PageTheme,
    @inject(PaymentMethodRegistry) private readonly methods: PaymentMethodRegistry,
    @inject(MethodPartAddonRegistry) private readonly addons: MethodPartAddonRegistry,
  ) {
    for (const m of methods.all()) if (m.page !== undefined) this.templates.set(m.type, theme.compilePart(m.page.template, m.type));
    for (const a of addons.all()) this.addonTemplates.set(a.name, theme.compilePart(a.template, `add-on ${a.name}`));
  }

  /** The add-ons shown in `method`'s part for this payment, with their template context (MethodPartAddon.context). */
  async addonsShown(
    method: PaymentMethod,
    payment: Payment,
    locale: PageLocale,
  ): Promise<Array<{ readonly addon: MethodPartAddon; readonly context: Record<string, unknown> }>> {
    const shown: Array<{ readonly addon: MethodPartAddon; readonly context: Record<string, unknown> }> = [];
    for (const addon of this.addons.forMethod(method.type)) {
      const context = await addon.context(payment, locale);
      if (context !== undefined) shown.push({ addon, context });
    }
    return shown;
  }

  /** The methods with a page part that this payment's page offers: the leading ones, then the rest, each in registration order. */
  async offered(payment: Payment): Promise<PaymentMethod[]> {
    const offered: PaymentMethod[] = [];
    for (const m of this.methods.all()) {
      if (m.page !== undefined && (m.page.offered === undefined || (await m.page.offered(payment)))) offered.push(m);
    }
    // Leading parts first (PaymentMethodPage.leads); the sort is stable, so each group keeps the registration order.
    return offered.sort((a, b) => Number(b.page?.leads === true) - Number(a.page?.leads === true));
  }

  /**
   * The style sheets of these methods' parts (PaymentMethodPage.styles, checked at
   * start), for the island document's head; empty when none brings one.
   */
  stylesOf(methods: readonly PaymentMethod[]): string {
    return methods
      .map((m) => m.page?.styles ?? '')
      .filter((css) => css !== '')
      .join('\n');
  }

  /** The method whose part posts to `path` ('' for `/pay/<token>`). */
  byPath(path: string): PaymentMethod | undefined {
    return this.methods.byPagePath(path);
  }

  /** Where a method's part posts. */
  actionOf(payment: Payment, method: PaymentMethod): string {
    const path = method.page?.path ?? '';
    return path === '' ? `/pay/${payment.pageToken}` : `/pay/${payment.pageToken}/${path}`;
  }

  async render(methods: readonly PaymentMethod[], payment: Payment, island: PageContext, r: PartsRender): Promise<Handlebars.SafeString[]> {
    const parts: Handlebars.SafeString[] = [];
    for (const method of methods) {
      const page = method.page;
      const template = this.templates.get(method.type);
      if (page === undefined || template === undefined) continue;
      const mine = r.state.method === method.type;
      const state: MethodPartState = {
        values: mine ? (r.state.values ?? {}) : {},
        errors: mine ? (r.state.errors ?? {}) : {},
        code: mine ? (r.state.code ?? null) : null,
        alert: mine ? (r.state.alert ?? null) : null,
      };
      const action = this.actionOf(payment, method);
      const own = await page.context({ payment, action, token: r.token, state, failure: r.failure });
      const methodFacts = { type: method.type, action, token: r.token };
      // The add-ons' fragments, each from a checked template (every value escaped), placed where the part has {{{part.addons}}}.
      const fragments: string[] = [];
      for (const { addon, context } of await this.addonsShown(method, payment, r.locale)) {
        const render = this.addonTemplates.get(addon.name);
        if (render !== undefined)
          fragments.push(render({ ...island, m: addon.messages[r.locale] ?? addon.messages.en, method: methodFacts, part: state, addon: context }).toString());
      }
      parts.push(
        template({
          ...island,
          m: this.messagesOf(method, r.locale),
          method: methodFacts,
          part: { ...state, addons: new Handlebars.SafeString(fragments.join('\n')) },
          ...own,
        }),
      );
    }
    return parts;
  }

  /**
   * The inert sample of a branding preview: the first method with a page part (the
   * card's), rendered for a sample payment that posts nowhere.
   */
  async sample(island: PageContext, locale: PageLocale, payment: Payment): Promise<Handlebars.SafeString[]> {
    const first = this.methods.all().find((m) => m.page !== undefined);
    if (first === undefined) return [];
    const parts = await this.render([first], { ...payment, pageToken: 'sample' }, island, { locale, token: 'preview', state: {}, failure: null });
    return parts;
  }

  /** A message key of `method` in `locale`: `m.<key>` from the method's messages (en as fallback), else the theme's. */
  text(method: PaymentMethod, locale: PageLocale, key: string): string {
    if (!key.startsWith('m.')) return message(this.theme.messages, locale, key);
    const own = lookup(this.messagesOf(method, locale), key.slice(2)) ?? lookup(this.messagesOf(method, 'en'), key.slice(2));
    return own ?? key;
  }

  private messagesOf(method: PaymentMethod, locale: PageLocale): Readonly<Record<string, unknown>> {
    return method.page?.messages?.[locale] ?? method.page?.messages?.en ?? {};
  }
}

function lookup(messages: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = key
    .split('.')
    .reduce<unknown>(
      (node, part) =>
        node !== null && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, part) ? (node as Record<string, unknown>)[part] : undefined,
      messages,
    );
  return typeof value === 'string' ? value : undefined;
}
