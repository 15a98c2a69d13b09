import { ScreenDescriptor, ScreenRequest, formatAmount } from '@tender/core';
import { VoucherLedger } from '../vouchers/voucher-ledger';
import { escapeHtml } from './html';

/**
 * The merchant's vouchers in the dashboard (`/dashboard/vouchers`), for owners and
 * developers (the web shell checks the role on the server and hides the entry from
 * support users). It lists the signed-in merchant's vouchers in the mode the
 * dashboard shows, newest first, optionally those ending in `?last4=`; the code
 * itself is never shown again. Every value interpolated into the fragment is
 * escaped, the query string included.
 *
 * @example
 * ```ts
 * ctx.registerScreen(vouchersScreen(ledger));
 * ```
 */
export function vouchersScreen(ledger: VoucherLedger): ScreenDescriptor {
  return {
    area: 'dashboard',
    path: '/vouchers',
    title: 'Vouchers',
    roles: ['owner', 'developer'],
    render: (request) => renderVouchers(ledger, request),
  };
}

export async function renderVouchers(ledger: VoucherLedger, { viewer, query }: ScreenRequest): Promise<string> {
  if (viewer.merchantId === undefined) return '<p>Vouchers belong to a merchant.</p>';
  const typed = query.last4 ?? '';
  const last4 = /^[0-9A-Za-z]{4}$/.test(typed) ? typed.toUpperCase() : undefined;
  const vouchers = await ledger.list({ merchantId: viewer.merchantId, livemode: viewer.mode === 'live' }, { limit: 50, ...(last4 === undefined ? {} : { last4 }) });
  const rows = vouchers
    .map((v) => `<tr><td><code>•••• ${escapeHtml(v.codeLast4)}</code></td><td>${escapeHtml(formatAmount(v.amount, v.currency, viewer.locale))}</td><td>${escapeHtml(formatAmount(v.balance, v.currency, viewer.locale))}</td><td>${escapeHtml(new Date(v.createdAt).toISOString().slice(0, 10))}</td></tr>`)
    .join('');
  const filter = typed === '' ? '' : `<p id="voucher-filter">${last4 === undefined ? 'Not a code ending' : 'Ending in'}: <code>${escapeHtml(typed)}</code></p>`;
  return `<section id="starter-vouchers">
<form method="get" class="filters"><label for="voucher-last4">Code ends in</label> <input id="voucher-last4" name="last4" maxlength="4" value="${escapeHtml(last4 ?? '')}"> <button type="submit">Find</button></form>
${filter}
${vouchers.length === 0 ? '<p id="voucher-empty">No vouchers yet. Issue one with <code>POST /v1/vouchers</code> and a secret key.</p>' : `<table id="voucher-list"><thead><tr><th>Code</th><th>Issued</th><th>Balance</th><th>Date</th></tr></thead><tbody>${rows}</tbody></table>`}
</section>`;
}
