import { PluginContext, ScreenDescriptor, ScreenViewer, TenderError } from '@tender/core';
import { LoyaltyStore, ProgramOwner } from '../programs/loyalty-store';
import { LoyaltyProgram } from '../programs/program';
import { programSchema } from '../api/loyalty.routes';

/** Escapes text for HTML (every value the screens print goes through it). */
function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function ownerOf(viewer: ScreenViewer): ProgramOwner {
  if (viewer.merchantId === undefined) throw new TenderError('resource_not_found', { message: 'Loyalty programs here belong to a merchant.' });
  return { kind: 'merchant', ctx: { merchantId: viewer.merchantId, livemode: viewer.mode === 'live' } };
}

/** The programs as a table; `actions` adds a pause/resume form per row (the dashboard's owners). */
function programRows(programs: readonly LoyaltyProgram[], withOwner: boolean, actions?: { readonly csrf: string }): string {
  if (programs.length === 0) return '<p class="empty">No loyalty programs yet.</p>';
  const head = `<tr><th>ID</th>${withOwner ? '<th>Owner</th>' : ''}<th>Name</th><th>Currency</th><th class="num">Point value</th><th class="num">Accrual (bps)</th><th class="num">Max paid by points (bps)</th><th>Status</th>${actions === undefined ? '' : '<th></th>'}</tr>`;
  const action = (p: LoyaltyProgram): string => {
    if (actions === undefined) return '';
    const next = p.status === 'active' ? 'pause' : 'resume';
    return `<td><form method="post"><input type="hidden" name="_csrf" value="${esc(actions.csrf)}"><input type="hidden" name="program" value="${esc(p.id)}"><button type="submit" name="action" value="${next}">${next === 'pause' ? 'Pause' : 'Resume'}</button></form></td>`;
  };
  const rows = programs.map(
    (p) =>
      `<tr data-program-id="${esc(p.id)}"><td><code>${esc(p.id)}</code></td>${withOwner ? `<td>${esc(p.merchantId ?? 'operator')} (${p.livemode ? 'live' : 'test'})</td>` : ''}<td>${esc(p.name)}</td><td>${esc(p.currency)}</td><td class="num">${esc(p.pointValue)}</td><td class="num">${esc(p.baseBps)}</td><td class="num">${esc(p.maxRedeemBps)}</td><td>${esc(p.status)}</td>${action(p)}</tr>`,
  );
  return `<table class="list">${head}${rows.join('')}</table>`;
}

const CREATE_FORM = (csrf: string) => `<h2>New program</h2><form method="post" class="form">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<label>Name <input name="name" required maxlength="100"></label>
<label>Currency <input name="currency" required pattern="[A-Z]{3}" value="RUB"></label>
<label>Point value (minor units) <input name="point_value" inputmode="numeric" value="100"></label>
<label>Accrual (basis points of the captured amount) <input name="base_bps" inputmode="numeric" value="100"></label>
<label>Most a payment may be paid by points (basis points) <input name="max_redeem_bps" inputmode="numeric" value="5000"></label>
<button type="submit">Create</button></form>`;

/**
 * The loyalty screens: `/dashboard/loyalty` (the merchant's programs, a form for
 * a new one, pause and resume for owners), `/dashboard/loyalty-members` (member lookup by card number, with
 * the card's ledger), `/console/loyalty` (every program across merchants, for the
 * operator). Everything printed is escaped.
 *
 * @example
 * ```ts
 * registerLoyaltyScreens(ctx, store);
 * ```
 */
export function registerLoyaltyScreens(ctx: PluginContext, store: LoyaltyStore): void {
  const settings: ScreenDescriptor = {
    area: 'dashboard',
    path: '/loyalty',
    title: 'Loyalty programs',
    render: async ({ viewer, csrfToken, query }) =>
      `<h1>Loyalty programs</h1>${query.error === undefined ? '' : `<p class="alert" role="alert">${esc(query.error)}</p>`}${programRows(await store.programs(ownerOf(viewer)), false, viewer.role === 'owner' ? { csrf: csrfToken } : undefined)}${viewer.role === 'owner' ? CREATE_FORM(csrfToken) : ''}`,
    submit: async ({ viewer, form }) => {
      // Viewing is for every role; only owners change the programs.
      if (viewer.role !== 'owner') return { query: { error: 'Only owners create loyalty programs.' } };
      if (form.action === 'pause' || form.action === 'resume') {
        // Another merchant's program id is not found: setStatus reads it with this merchant and mode.
        await store.setStatus(ownerOf(viewer), String(form.program ?? ''), form.action === 'pause' ? 'paused' : 'active', ctx.core.clock.now());
        const done: Record<string, string> = {};
        return { query: done };
      }
      const parsed = programSchema.safeParse({
        name: form.name,
        currency: form.currency,
        point_value: Number(form.point_value),
        base_bps: Number(form.base_bps),
        max_redeem_bps: Number(form.max_redeem_bps),
      });
      if (!parsed.success) return { query: { error: `${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}` } };
      await store.createProgram(ownerOf(viewer), parsed.data, ctx.core.clock.now());
      const none: Record<string, string> = {};
      return { query: none };
    },
  };
  const members: ScreenDescriptor = {
    area: 'dashboard',
    path: '/loyalty-members',
    title: 'Loyalty members',
    render: async ({ viewer, query }) => {
      const number = (query.number ?? '').replace(/\D/g, '').slice(0, 16);
      const form = `<h1>Loyalty members</h1><form method="get" class="filters"><label>Card number <input name="number" value="${esc(number)}" inputmode="numeric" maxlength="16"></label><button type="submit">Find</button></form>`;
      if (number === '') return form;
      const found = await store.cardOf(ownerOf(viewer), number);
      if (found === undefined) return `${form}<p class="empty" id="member-not-found">No card with this number in your programs.</p>`;
      const moves = await store.entries(found.card, 100);
      const rows = moves
        .map(
          (m) =>
            `<tr><td>${esc(new Date(Number(m.created_at)).toISOString().slice(0, 16).replace('T', ' '))}</td><td>${esc(m.kind)}</td><td class="num">${esc(m.points)}</td><td><code>${esc(m.payment_id ?? '')}</code></td></tr>`,
        )
        .join('');
      return `${form}<dl id="member"><dt>Card</dt><dd>${esc(found.card.number)}</dd><dt>Program</dt><dd>${esc(found.program.name)}</dd><dt>Holder</dt><dd>${esc(found.card.holder ?? '')}</dd><dt>Balance</dt><dd id="member-balance">${esc(found.card.balance)}</dd><dt>Points earned</dt><dd>${esc(found.card.lifetimePoints)}</dd></dl><h2>Ledger</h2><table class="list" id="member-ledger"><tr><th>Time (UTC)</th><th>Movement</th><th class="num">Points</th><th>Payment</th></tr>${rows}</table>`;
    },
  };
  const console: ScreenDescriptor = {
    area: 'console',
    path: '/loyalty',
    title: 'Loyalty programs',
    render: async () => `<h1>Loyalty programs across merchants</h1>${programRows(await store.allPrograms(), true)}`,
  };
  for (const screen of [settings, members, console]) ctx.registerScreen(screen);
}
