import { ScreenDescriptor, ScreenRequest, ScreenSubmission, ScreenSubmitResult, formatAmount, notFound } from '@tender/core';
import { CustomerScreenSource, SavedCardScreenSources, ScreenCustomer, ScreenPaymentMethod, ScreenSchedule } from './screen-sources';
import { SavedCardScreenViews } from './screen-views';
import { expiryOf, idOf, linkWith, scopeOf, shownTime } from './screen-format';
import { ScreenLocale, ScreenMessages } from './screen-messages';
import { periodText, scheduleStatusText } from './schedules.screen';

const PAGE_SIZE = 50;

/** What the detail page shows above the cards after a post. */
type Notice = { readonly done?: string; readonly problem?: string };

/**
 * The merchant's customers in the dashboard (`/dashboard/customers`, every merchant
 * role, the mode the dashboard shows). Without `?id=` it lists them newest first
 * (`?email=` filters, `?after=` pages); with `?id=cus_...` it shows one customer with
 * the saved cards (brand, last 4, expiry, the consent's source and time; never more
 * of the card) and the customer's schedules. Deleting a card takes two steps: the
 * Delete link opens a confirmation (`&delete_card=pm_...`), whose form posts with the
 * session's CSRF token; the card and its vault row are deleted through the same
 * service as `DELETE /v1/payment_methods/:id`. Another merchant's customer or card is
 * a 404, like an unknown one.
 *
 * @example
 * ```ts
 * ctx.registerScreen(customersScreen(() => sources, new SavedCardScreenViews(), () => Date.now()));
 * ```
 */
export function customersScreen(sources: () => SavedCardScreenSources, views: SavedCardScreenViews, now: () => number): ScreenDescriptor {
  return {
    area: 'dashboard',
    path: '/customers',
    title: 'Customers',
    render: (request) => renderCustomers(sources(), views, now(), request, {}),
    submit: (submission) => submitCustomer(sources(), views, now(), submission),
  };
}

async function renderCustomers(
  sources: SavedCardScreenSources,
  views: SavedCardScreenViews,
  now: number,
  { viewer, query, csrfToken }: ScreenRequest,
  notice: Notice,
): Promise<string> {
  const ctx = scopeOf(viewer);
  const locale = ScreenMessages.localeOf(viewer.locale);
  if (query.id !== undefined) {
    const id = idOf(query.id, 'cus');
    const customer = id === undefined ? undefined : await sources.customers.find(ctx, id);
    if (customer === undefined) throw notFound('customer', query.id);
    const cards = await sources.customers.paymentMethods(ctx, customer.id);
    if (query.delete_card !== undefined) {
      const card = cards.find((c) => c.id === idOf(query.delete_card, 'pm'));
      if (card === undefined) throw notFound('payment_method', query.delete_card);
      return views.render('card-delete-confirm', locale, { customer, card: { ...card.card, id: card.id, ...expiryOf(card.card, now) }, csrf: csrfToken });
    }
    const schedules = sources.schedules === undefined ? undefined : (await sources.schedules.list(ctx, { customer: customer.id, limit: PAGE_SIZE })).data;
    return views.render('customer', locale, {
      customer,
      created: shownTime(customer.created_at),
      cards: cards.map((c) => cardRow(c, now, views.messages, locale)),
      showSchedules: schedules !== undefined,
      schedules: (schedules ?? []).map((s) => scheduleLine(s, views.messages, locale, viewer.locale)),
      ...(idOf(query.deleted, 'pm') === undefined ? {} : { done: views.messages.text(locale, 'customers.deleted') }),
      ...notice,
    });
  }
  return renderList(sources.customers, views, locale, ctx, query);
}

async function renderList(
  customers: CustomerScreenSource,
  views: SavedCardScreenViews,
  locale: ScreenLocale,
  ctx: ReturnType<typeof scopeOf>,
  query: Readonly<Record<string, string>>,
): Promise<string> {
  const email = (query.email ?? '').trim().slice(0, 320);
  const after = idOf(query.after, 'cus');
  const page = await customers.list(ctx, { limit: PAGE_SIZE, ...(email === '' ? {} : { email }), ...(after === undefined ? {} : { startingAfter: after }) });
  const last = page.data[page.data.length - 1];
  return views.render('customers', locale, {
    filter: { email },
    customers: page.data.map((c) => customerRow(c)),
    firstLink: after === undefined ? undefined : linkWith('/dashboard/customers', { email }),
    nextLink: page.hasMore && last !== undefined ? linkWith('/dashboard/customers', { email, after: last.id }) : undefined,
  });
}

/** The confirmation's post: delete the card, then show the customer again (post, redirect, get). */
async function submitCustomer(
  sources: SavedCardScreenSources,
  views: SavedCardScreenViews,
  now: number,
  submission: ScreenSubmission,
): Promise<ScreenSubmitResult> {
  const { viewer, query, form } = submission;
  const ctx = scopeOf(viewer);
  const customerId = idOf(query.id, 'cus');
  const customer = customerId === undefined ? undefined : await sources.customers.find(ctx, customerId);
  if (customer === undefined) throw notFound('customer', query.id ?? '');
  const locale = ScreenMessages.localeOf(viewer.locale);
  const problem = (key: string, status: number): Promise<ScreenSubmitResult> =>
    renderCustomers(sources, views, now, { ...submission, query: { id: customer.id } }, { problem: views.messages.text(locale, key) }).then((html) => ({
      html,
      status,
    }));
  if (form.action !== 'delete_card') return problem('customers.not_understood', 400);
  const pmId = idOf(form.payment_method, 'pm');
  // Only a card of this customer: a posted id of another customer's (or merchant's) card changes nothing.
  const owned = pmId !== undefined && (await sources.customers.paymentMethods(ctx, customer.id)).some((c) => c.id === pmId);
  if (pmId === undefined || !owned) return problem('customers.not_this_customers', 404);
  const deleted = await sources.customers.deletePaymentMethod(ctx, pmId);
  if (!deleted) return problem('customers.already_deleted', 404);
  return { query: { id: customer.id, deleted: pmId } };
}

function customerRow(c: ScreenCustomer): Record<string, unknown> {
  return { id: c.id, name: c.name ?? '', email: c.email ?? '', created: shownTime(c.created_at) };
}

function cardRow(c: ScreenPaymentMethod, now: number, texts: ScreenMessages, locale: ScreenLocale): Record<string, unknown> {
  return {
    id: c.id,
    brand: c.card.brand,
    last4: c.card.last4,
    ...expiryOf(c.card, now),
    usage: texts.text(locale, c.usage === 'off_session' ? 'customers.usage_off_session' : 'customers.usage_on_session'),
    consent:
      c.consent === null
        ? undefined
        : {
            source: texts.text(locale, c.consent.source === 'hosted_page' ? 'customers.source_hosted_page' : 'customers.source_api'),
            recorded: shownTime(c.consent.recorded_at),
            text_version: c.consent.text_version,
            ip: c.consent.ip,
          },
    created: shownTime(c.created_at),
  };
}

function scheduleLine(s: ScreenSchedule, texts: ScreenMessages, locale: ScreenLocale, viewerLocale: string): Record<string, unknown> {
  return {
    id: s.id,
    amount: formatAmount(s.amount, s.currency, viewerLocale),
    every: periodText(s, texts, locale),
    status: scheduleStatusText(s.status, texts, locale),
    next: shownTime(s.next_charge_at),
  };
}
