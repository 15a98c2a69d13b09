import { ScreenDescriptor, ScreenRequest, ScreenSubmission, ScreenSubmitResult, formatAmount } from '@tender/core';
import { StarterOptions } from '../options';
import { issueSchema, minorUnitsOf } from '../vouchers/voucher-issue';
import { VoucherLedger } from '../vouchers/voucher-ledger';
import { escapeHtml } from './html';

/** What the screen shows above the list after a post: the new code (once) or why nothing was issued. */
type Notice = { readonly issued: { readonly code: string; readonly amount: string } } | { readonly problem: string } | undefined;

/**
 * The merchant's vouchers in the dashboard (`/dashboard/vouchers`), for owners and
 * developers (the web shell checks the role on the server and hides the entry from
 * support users). It lists the signed-in merchant's vouchers in the mode the
 * dashboard shows, newest first, optionally those ending in `?last4=`, and has a form
 * to issue one: only owners may, in the currencies and up to the amount the options
 * allow. The new code is shown once, in the answer to the post, never in a URL; the
 * list shows only its last four characters. Every value interpolated is escaped,
 * the query string and the posted amount included.
 *
 * @example
 * ```ts
 * ctx.registerScreen(vouchersScreen(ledger, ctx.options));
 * ```
 */
export function vouchersScreen(ledger: VoucherLedger, options: StarterOptions): ScreenDescriptor {
  return {
    area: 'dashboard',
    path: '/vouchers',
    title: 'Vouchers',
    roles: ['owner', 'developer'],
    render: (request) => renderVouchers(ledger, options, request, undefined),
    submit: (submission) => issueFromForm(ledger, options, submission),
  };
}

async function issueFromForm(ledger: VoucherLedger, options: StarterOptions, submission: ScreenSubmission): Promise<ScreenSubmitResult> {
  const { viewer, form } = submission;
  const shown = (notice: Notice, status: number): Promise<ScreenSubmitResult> =>
    renderVouchers(ledger, options, submission, notice).then((html) => ({ html, status }));
  if (viewer.merchantId === undefined || viewer.role !== 'owner') return shown({ problem: 'Only owners issue vouchers.' }, 403);
  const currency = form.currency ?? '';
  const amount = options.currencies.includes(currency) ? minorUnitsOf(form.amount ?? '', currency) : undefined;
  const parsed = issueSchema(options).safeParse({ amount, currency });
  if (!parsed.success)
    return shown(
      {
        problem: `Nothing was issued: enter an amount above zero and at most ${formatAmount(options.maxVoucherAmount, currency || options.currencies[0] || 'RUB', viewer.locale)}, in ${options.currencies.join(', ')}.`,
      },
      400,
    );
  const { voucher, code } = await ledger.issue({ merchantId: viewer.merchantId, livemode: viewer.mode === 'live' }, parsed.data);
  return shown({ issued: { code, amount: formatAmount(voucher.amount, voucher.currency, viewer.locale) } }, 201);
}

export async function renderVouchers(
  ledger: VoucherLedger,
  options: StarterOptions,
  { viewer, query, csrfToken }: ScreenRequest,
  notice: Notice,
): Promise<string> {
  if (viewer.merchantId === undefined) return '<p>Vouchers belong to a merchant.</p>';
  const typed = query.last4 ?? '';
  const last4 = /^[0-9A-Za-z]{4}$/.test(typed) ? typed.toUpperCase() : undefined;
  const vouchers = await ledger.list(
    { merchantId: viewer.merchantId, livemode: viewer.mode === 'live' },
    { limit: 50, ...(last4 === undefined ? {} : { last4 }) },
  );
  const rows = vouchers
    .map(
      (v) =>
        `<tr><td><code>•••• ${escapeHtml(v.codeLast4)}</code></td><td>${escapeHtml(formatAmount(v.amount, v.currency, viewer.locale))}</td><td>${escapeHtml(formatAmount(v.balance, v.currency, viewer.locale))}</td><td>${escapeHtml(new Date(v.createdAt).toISOString().slice(0, 10))}</td></tr>`,
    )
    .join('');
  const filter = typed === '' ? '' : `<p id="voucher-filter">${last4 === undefined ? 'Not a code ending' : 'Ending in'}: <code>${escapeHtml(typed)}</code></p>`;
  const banner =
    notice === undefined
      ? ''
      : 'issued' in notice
        ? `<p id="voucher-issued" role="status">Issued a voucher of ${escapeHtml(notice.issued.amount)}. Its code, shown only now: <code id="voucher-new-code">${escapeHtml(notice.issued.code)}</code></p>`
        : `<p id="voucher-problem" role="alert">${escapeHtml(notice.problem)}</p>`;
  const issueForm =
    viewer.role !== 'owner'
      ? ''
      : `<form method="post" id="voucher-issue-form">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<label for="voucher-amount">Amount</label> <input id="voucher-amount" name="amount" inputmode="decimal" required maxlength="16">
<label for="voucher-currency">Currency</label> <select id="voucher-currency" name="currency">${options.currencies.map((c) => `<option>${escapeHtml(c)}</option>`).join('')}</select>
<button type="submit">Issue voucher</button>
</form>`;
  return `<section id="starter-vouchers">
${banner}
${issueForm}
<form method="get" class="filters"><label for="voucher-last4">Code ends in</label> <input id="voucher-last4" name="last4" maxlength="4" value="${escapeHtml(last4 ?? '')}"> <button type="submit">Find</button></form>
${filter}
${vouchers.length === 0 ? '<p id="voucher-empty">No vouchers yet. Owners issue them here or with <code>POST /v1/vouchers</code> and a secret key.</p>' : `<table id="voucher-list"><thead><tr><th>Code</th><th>Issued</th><th>Balance</th><th>Date</th></tr></thead><tbody>${rows}</tbody></table>`}
</section>`;
}
