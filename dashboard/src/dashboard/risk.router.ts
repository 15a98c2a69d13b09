import { Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { RiskReviewService, RiskRuleSetService, TenderError, formatAmount, principalOf, requireWebRole } from '@tender/core';
import { contextOf, formOf, pageErrorOf, renderNotFound, renderScreen } from './dashboard-page';

const REVIEW_ID = /^rrv_[0-9A-Za-z]{1,40}$/;

/**
 * /dashboard/risk: the review queue (approve or reject a held payment, through
 * RiskReviewService, which captures or cancels it by the state machine) and the
 * merchant's own rule set (RiskRuleSetService: validated, versioned). Everyone may
 * decide reviews; only owners and developers change rules.
 */
export function riskRouter(container: ServiceResolver): Router {
  const router = Router();
  const reviews = container.resolve(RiskReviewService);
  const ruleSets = container.resolve(RiskRuleSetService);
  router.use(requireWebRole('owner', 'developer', 'support'));

  async function renderRisk(res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const ctx = contextOf(res);
    const principal = principalOf(res);
    const open = await reviews.list(ctx, { status: 'open', limit: 100, startingAfter: undefined });
    const decided = await reviews.list(ctx, { status: undefined, limit: 20, startingAfter: undefined });
    const rules = await ruleSets.current({ kind: 'merchant', ctx });
    const versions = await ruleSets.versions({ kind: 'merchant', ctx }, 10);
    const row = (r: (typeof open.reviews)[number]) => ({
      id: r.id,
      payment_id: r.paymentId,
      status: r.status,
      score: r.score,
      amount_text: formatAmount(r.amount, r.currency, principal.locale),
      email: r.email ?? '',
      ip: r.ip ?? '',
      reasons: r.reasons.map((x) => `${x.rule}: ${x.reason} (+${x.score})`).join('; '),
      expires_at: new Date(r.expiresAt).toISOString().replace('T', ' ').slice(0, 16),
      decided_by: r.decidedBy ?? '',
    });
    renderScreen(
      res,
      'risk',
      {
        title: 'dash.risk.title',
        open: open.reviews.map(row),
        decided: decided.reviews.filter((r) => r.status !== 'open').map(row),
        rulesJson: typeof extra.rulesJson === 'string' ? extra.rulesJson : JSON.stringify(rules.settings ?? {}, null, 2),
        effectiveJson: JSON.stringify(rules.effective ?? {}, null, 2),
        rulesVersion: String(rules.version ?? 0),
        versions: versions.map((v) => ({ version: String(v.version ?? ''), created_at: String(v.created_at ?? '') })),
        canEditRules: principal.role === 'owner' || principal.role === 'developer',
        ...extra,
      },
      status,
    );
  }

  router.get('/', async (_req, res) => {
    await renderRisk(res, {});
  });

  router.post('/reviews/:id/:decision', async (req, res) => {
    const id = String(req.params.id);
    const decision = req.params.decision;
    if (!REVIEW_ID.test(id) || (decision !== 'approve' && decision !== 'reject')) return renderNotFound(res);
    const ctx = contextOf(res);
    try {
      if (decision === 'approve') await reviews.approve(ctx, id, 'merchant');
      else await reviews.reject(ctx, id, 'merchant');
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') return renderNotFound(res);
      const shown = pageErrorOf(error);
      return renderRisk(res, { error: shown }, shown.status);
    }
    res.redirect(303, `/dashboard/risk?decided=${id}`);
  });

  router.post('/rules', requireWebRole('owner', 'developer'), async (req, res) => {
    const text = formOf(req).rules ?? '';
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return renderRisk(res, { rulesJson: text, error: { code: 'body_invalid_json', message: 'The rules are not valid JSON.' } }, 400);
    }
    try {
      await ruleSets.replace({ kind: 'merchant', ctx: contextOf(res) }, body);
    } catch (error) {
      const shown = pageErrorOf(error);
      return renderRisk(res, { rulesJson: text, error: shown }, shown.status);
    }
    res.redirect(303, '/dashboard/risk?saved=rules');
  });

  return router;
}
