import { Response, Router } from 'express';
import { CONFIG, ServiceResolver, TenderConfig } from '@tender/core';
import { RiskReviewService, RiskRuleSetService, TenderError, principalOf, requireWebRole } from '@tender/core';
import { contextOf, formOf, pageErrorOf, renderNotFound, renderScreen } from './dashboard-page';
import { REVIEW_ID, isConfirmed, reviewDecisionOf, reviewRowView } from '../review-decision';

/** What the page says after a decision: `?decided=<review>&result=approved|rejected&payment_status=<status>`. */
const RESULT = /^(approved|rejected|canceled)$/;
const PAYMENT_STATUS = /^[a-z_]{1,32}$/;

/**
 * /dashboard/risk: the review queue (approve or reject a held payment, through
 * RiskReviewService, which captures or cancels it by the state machine) and the
 * merchant's own rule set (RiskRuleSetService: validated, versioned). Everyone may
 * decide reviews; only owners and developers change rules. A decision takes two
 * steps: a confirmation page that says what will happen, then the decision, whose
 * result the queue shows. The queue says when an undecided review is decided by
 * itself, and how.
 */
export function riskRouter(container: ServiceResolver): Router {
  const router = Router();
  const reviews = container.resolve(RiskReviewService);
  const ruleSets = container.resolve(RiskRuleSetService);
  const timeZone = container.resolve<TenderConfig>(CONFIG).notifications.timeZone;
  router.use(requireWebRole('owner', 'developer', 'support'));

  async function renderRisk(res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const ctx = contextOf(res);
    const principal = principalOf(res);
    const open = await reviews.list(ctx, { status: 'open', limit: 100, startingAfter: undefined });
    const decided = await reviews.list(ctx, { status: undefined, limit: 20, startingAfter: undefined });
    const rules = await ruleSets.current({ kind: 'merchant', ctx });
    const versions = await ruleSets.versions({ kind: 'merchant', ctx }, 10);
    const row = (r: (typeof open.reviews)[number]) => reviewRowView(r, principal.locale, timeZone);
    const effective = rules.effective as { review?: { expire_after_seconds?: number; expire_decision?: string } } | undefined;
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
        expireHours: Math.round((effective?.review?.expire_after_seconds ?? 86400) / 360) / 10,
        expireReject: effective?.review?.expire_decision !== 'approve',
        versions: versions.map((v) => ({ version: String(v.version ?? ''), created_at: String(v.created_at ?? '') })),
        canEditRules: principal.role === 'owner' || principal.role === 'developer',
        ...extra,
      },
      status,
    );
  }

  router.get('/', async (req, res) => {
    const decided = typeof req.query.decided === 'string' && REVIEW_ID.test(req.query.decided) ? req.query.decided : undefined;
    const result = typeof req.query.result === 'string' && RESULT.test(req.query.result) ? req.query.result : undefined;
    const paymentStatus = typeof req.query.payment_status === 'string' && PAYMENT_STATUS.test(req.query.payment_status) ? req.query.payment_status : '';
    await renderRisk(res, decided !== undefined && result !== undefined ? { decidedFlash: { id: decided, result, paymentStatus } } : {});
  });

  // Step 1: what the decision will do, with the review's facts. Nothing changes yet.
  router.post('/reviews/:id/:decision/review', async (req, res) => {
    const id = String(req.params.id);
    const decision = reviewDecisionOf(req.params.decision);
    if (!REVIEW_ID.test(id) || decision === undefined) return renderNotFound(res);
    let review;
    try {
      review = await reviews.retrieve(contextOf(res), id);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') return renderNotFound(res);
      throw error;
    }
    if (review.status !== 'open') return renderRisk(res, { error: { code: 'risk_review_closed', message: `The review is already ${review.status}.` } }, 409);
    renderScreen(res, 'review-confirm', { title: `dash.review.confirm_title_${decision}`, decision, review: reviewRowView(review, principalOf(res).locale, timeZone) });
  });

  // Step 2: the confirmed decision.
  router.post('/reviews/:id/:decision', async (req, res) => {
    const id = String(req.params.id);
    const decision = reviewDecisionOf(req.params.decision);
    if (!REVIEW_ID.test(id) || decision === undefined) return renderNotFound(res);
    if (!isConfirmed(formOf(req))) return renderRisk(res, { error: { code: 'confirmation_required', message: new TenderError('confirmation_required').message } }, 400);
    const ctx = contextOf(res);
    let outcome;
    try {
      outcome = decision === 'approve' ? await reviews.approve(ctx, id, 'merchant') : await reviews.reject(ctx, id, 'merchant');
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') return renderNotFound(res);
      const shown = pageErrorOf(error);
      return renderRisk(res, { error: shown }, shown.status);
    }
    res.redirect(303, `/dashboard/risk?decided=${id}&result=${outcome.review.status}&payment_status=${outcome.payment.status}`);
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
