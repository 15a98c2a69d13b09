import { Response, Router } from 'express';
import { DATABASE, Database, MerchantMail, ServiceResolver } from '@tender/core';
import { RiskReviewService, RiskRulePreview, RiskRuleRegistry, RiskRuleSetService, TenderError, principalOf, requireWebRole } from '@tender/core';
import { contextOf, formOf, pageErrorOf, renderNotFound, renderScreen } from './dashboard-page';
import { REVIEW_ID, isConfirmed, reviewDecisionOf, reviewRowView } from '../review-decision';
import { ruleSections } from '../risk-rules-form';
import { submitRules } from '../risk-rules-submit';

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
  const mail = container.resolve(MerchantMail);
  const db = container.resolve<Database>(DATABASE);
  // Deadlines in the merchant's time zone, as its e-mails show them (else the operator's).
  const zoneOf = async (res: Response): Promise<string> => (await mail.merchant(db, contextOf(res).merchantId))?.timeZone ?? 'UTC';
  const registry = container.resolve(RiskRuleRegistry);
  const preview = container.resolve(RiskRulePreview);
  const shapes = () => registry.all().map((r) => ({ code: r.code, defaults: r.defaults }));
  router.use(requireWebRole('owner', 'developer', 'support'));

  async function renderRisk(res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const ctx = contextOf(res);
    const principal = principalOf(res);
    const open = await reviews.list(ctx, { status: 'open', limit: 100, startingAfter: undefined });
    const decided = await reviews.list(ctx, { status: undefined, limit: 20, startingAfter: undefined });
    const rules = await ruleSets.current({ kind: 'merchant', ctx });
    const versions = await ruleSets.versions({ kind: 'merchant', ctx }, 10);
    const timeZone = await zoneOf(res);
    const row = (r: (typeof open.reviews)[number]) => reviewRowView(r, principal.locale, timeZone);
    const effective = rules.effective as { review?: { expire_after_seconds?: number; expire_decision?: string } } | undefined;
    renderScreen(
      res,
      'risk',
      {
        title: 'dash.risk.title',
        open: open.reviews.map(row),
        decided: decided.reviews.filter((r) => r.status !== 'open').map(row),
        rulesJson: JSON.stringify(rules.settings ?? {}, null, 2),
        ruleSections: ruleSections(
          (rules.settings ?? {}) as Record<string, unknown>,
          shapes(),
          extra.typed as Record<string, string> | undefined,
          (extra.rulesErrors ?? {}) as Record<string, string>,
        ),
        rulesAction: '/dashboard/risk/rules',
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
    await renderRisk(res, {
      saved: req.query.saved === 'rules',
      ...(decided !== undefined && result !== undefined ? { decidedFlash: { id: decided, result, paymentStatus } } : {}),
    });
  });

  // Step 1: what the decision will do, with the review's facts. Nothing changes yet.
  router.post('/reviews/:id/:decision/review', async (req, res) => {
    const id = String(req.params.id);
    const decision = reviewDecisionOf(req.params.decision);
    if (!REVIEW_ID.test(id) || decision === undefined) {
      renderNotFound(res);
      return;
    }
    let review;
    try {
      review = await reviews.retrieve(contextOf(res), id);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') {
        renderNotFound(res);
        return;
      }
      throw error;
    }
    if (review.status !== 'open') return renderRisk(res, { error: { code: 'risk_review_closed', message: `The review is already ${review.status}.` } }, 409);
    renderScreen(res, 'review-confirm', {
      title: `dash.review.confirm_title_${decision}`,
      decision,
      review: reviewRowView(review, principalOf(res).locale, await zoneOf(res)),
    });
  });

  // Step 2: the confirmed decision.
  router.post('/reviews/:id/:decision', async (req, res) => {
    const id = String(req.params.id);
    const decision = reviewDecisionOf(req.params.decision);
    if (!REVIEW_ID.test(id) || decision === undefined) {
      renderNotFound(res);
      return;
    }
    if (!isConfirmed(formOf(req)))
      return renderRisk(res, { error: { code: 'confirmation_required', message: new TenderError('confirmation_required').message } }, 400);
    const ctx = contextOf(res);
    let outcome;
    try {
      outcome = decision === 'approve' ? await reviews.approve(ctx, id, 'merchant') : await reviews.reject(ctx, id, 'merchant');
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') {
        renderNotFound(res);
        return;
      }
      const shown = pageErrorOf(error);
      return renderRisk(res, { error: shown }, shown.status);
    }
    res.redirect(303, `/dashboard/risk?decided=${id}&result=${outcome.review.status}&payment_status=${outcome.payment.status}`);
  });

  // The rules form: a dry run on recent payments (intent=preview) or a new version; bad fields change nothing.
  router.post('/rules', requireWebRole('owner', 'developer'), async (req, res) => {
    const form = formOf(req);
    const outcome = await submitRules(form, {
      scope: { kind: 'merchant', ctx: contextOf(res) },
      rules: shapes(),
      ruleSets,
      preview,
      locale: principalOf(res).locale,
    });
    if (outcome.kind === 'saved') {
      res.redirect(303, '/dashboard/risk?saved=rules');
      return;
    }
    if (outcome.kind === 'refused')
      return renderRisk(
        res,
        {
          typed: form,
          rulesErrors: outcome.errors,
          error: {
            code: 'parameter_invalid',
            message: Object.entries(outcome.errors)
              .map(([k, v]) => `${k}: ${v}`)
              .join('; '),
          },
        },
        outcome.status,
      );
    await renderRisk(res, { typed: form, rulesPreview: outcome.preview, previewLimit: form.preview_limit ?? '' });
  });

  return router;
}
