import { ScreenDescriptor, ScreenRequest, ScreenSubmission, ScreenSubmitResult, formatAmount, notFound } from '@tender/core';
import { CustomerScreenSource, SavedCardScreenSources, ScreenCustomer, ScreenPaymentMethod, ScreenSchedule } from './screen-sources';
import { SavedCardScreenViews } from './screen-views';
import { expiryOf, idOf, linkWith, periodOf, scopeOf, shownTime } from './screen-format';

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

async function renderCustomers(sources: SavedCardScreenSources, views: SavedCardScreenViews, now: number, { viewer, query, csrfToken }: ScreenRequest, notice: Notice): Promise<string> {
  const ctx = scopeOf(viewer);
  if (query.id !== undefined) {
    const id = idOf(query.id, 'cus');
    const customer = id === undefined ? undefined : await sources.customers.find(ctx, id);
    if (customer === undefined) throw notFound('customer', query.id);
    const cards = await sources.customers.paymentMethods(ctx, customer.id);
    if (query.delete_card !== undefined) {
      const card = cards.find((c) => c.id === idOf(query.delete_card, 'pm'));
      if (card === undefined) throw notFound('payment_method', query.delete_card);
      return views.render('card-delete-confirm', { customer, card: { ...card.card, id: card.id, ...expiryOf(card.card, now) }, csrf: csrfToken });
    }
    const schedules = sources.schedules === undefined ? undefined : (await sources.schedules.list(ctx, { customer: customer.id, limit: PAGE_SIZE })).data;
    return views.render('customer', {
      customer,
      created: shownTime(customer.created_at),
      cards: cards.map((c) => cardRow(c, now)),
      canDelete: true,
      showSchedules: schedules !== undefined,
      schedules: (schedules ?? []).map((s) => scheduleLine(s, viewer.locale)),
      ...(idOf(query.deleted, 'pm') === undefined ? {} : { done: 'The saved card was deleted; its number is erased from the vault.' }),
      ...notice,
    });
  }
  return renderList(sources.customers, views, ctx, query);
}

async function renderList(customers: CustomerScreenSource, views: SavedCardScreenViews, ctx: ReturnType<typeof scopeOf>, query: Readonly<Record<string, string>>): Promise<string> {
  const email = (query.email ?? '').trim().slice(0, 320);
  const after = idOf(query.after, 'cus');
  const page = await customers.list(ctx, { limit: PAGE_SIZE, ...(email === '' ? {} : { email }), ...(after === undefined ? {} : { startingAfter: after }) });
  const last = page.data[page.data.length - 1];
  return views.render('customers', {
    filter: { email },
    customers: page.data.map((c) => customerRow(c)),
    firstLink: after === undefined ? undefined : linkWith('/dashboard/customers', { email }),
    nextLink: page.hasMore && last !== undefined ? linkWith('/dashboard/customers', { email, after: last.id }) : undefined,
  });
}

/** The confirmation's post: delete the card, then show the customer again (post, redirect, get). */
async function submitCustomer(sources: SavedCardScreenSources, views: SavedCardScreenViews, now: number, submission: ScreenSubmission): Promise<ScreenSubmitResult> {
  const { viewer, query, form } = submission;
  const ctx = scopeOf(viewer);
  const customerId = idOf(query.id, 'cus');
  const customer = customerId === undefined ? undefined : await sources.customers.find(ctx, customerId);
  if (customer === undefined) throw notFound('customer', query.id ?? '');
  const problem = (text: string, status: number): Promise<ScreenSubmitResult> => renderCustomers(sources, views, now, { ...submission, query: { id: customer.id } }, { problem: text }).then((html) => ({ html, status }));
  if (form.action !== 'delete_card') return problem('Nothing was changed: the form was not understood.', 400);
  const pmId = idOf(form.payment_method, 'pm');
  // Only a card of this customer: a posted id of another customer's (or merchant's) card changes nothing.
  const owned = pmId !== undefined && (await sources.customers.paymentMethods(ctx, customer.id)).some((c) => c.id === pmId);
  if (pmId === undefined || !owned) return problem('Nothing was deleted: that card is not one of this customer\'s saved cards (it may be deleted already).', 404);
  const deleted = await sources.customers.deletePaymentMethod(ctx, pmId);
  if (!deleted) return problem('Nothing was deleted: the card was deleted already.', 404);
  return { query: { id: customer.id, deleted: pmId } };
}

function customerRow(c: ScreenCustomer): Record<string, unknown> {
  return { id: c.id, name: c.name ?? '', email: c.email ?? '', erased: c.name === null && c.email === null && c.phone === null, created: shownTime(c.created_at) };
}

function cardRow(c: ScreenPaymentMethod, now: number): Record<string, unknown> {
  return {
    id: c.id,
    brand: c.card.brand,
    last4: c.card.last4,
    ...expiryOf(c.card, now),
    usage: c.usage === 'off_session' ? 'charges without the buyer' : 'buyer present only',
    consent: c.consent === null ? undefined : { source: c.consent.source === 'hosted_page' ? 'payment page' : 'API', recorded: shownTime(c.consent.recorded_at), text_version: c.consent.text_version, ip: c.consent.ip },
    created: shownTime(c.created_at),
  };
}

function scheduleLine(s: ScreenSchedule, locale: string): Record<string, unknown> {
  return { id: s.id, amount: formatAmount(s.amount, s.currency, locale), every: periodOf(s), status: s.status, next: shownTime(s.next_charge_at) };
}
