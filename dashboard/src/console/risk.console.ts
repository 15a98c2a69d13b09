import { Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import {
  OPERATOR_ACTOR,
  RiskReviewService,
  RiskRulePreview,
  RiskRuleRegistry,
  RiskRuleSetService,
  TenderError,
  formatAmount,
  principalOf,
  requireWebRole,
} from '@tender/core';
import { consoleActor, formOf, refusal, renderConsole, utc } from './console-page';
import { ReviewQueueQuery } from './review-queue.query';
import { isConfirmed, reviewDecisionOf, reviewRowView } from '../review-decision';
import { ruleSections } from '../risk-rules-form';
import { submitRules } from '../risk-rules-submit';

const OPERATOR = { kind: 'operator' as const };
const PAGE = 25;
const reviewId = z.string().regex(/^rrv_[0-9A-Za-z]{1,40}$/);
const PAYMENT_STATUS = /^[a-z_]{1,32}$/;

/**
 * /console/risk: the operator-wide rule set (edited as the JSON PUT /admin/v1/risk/rules
 * takes, validated by RiskRuleSetService against the registered rules) and the global
 * review queue. A decision runs RiskReviewService in the review's own merchant and
 * mode, exactly as the merchant's decision does: `decided_by` is 'operator' and the
 * audit entry names the operator account. A decision takes two steps (a confirmation
 * page, then the decision with its `confirm=yes`), and the queue shows its result.
 */
export function consoleRiskRouter(container: ServiceResolver): Router {
  const router = Router();
  const ruleSets = container.resolve(RiskRuleSetService);
  const reviews = container.resolve(RiskReviewService);
  const queue = container.resolve(ReviewQueueQuery);
  const registry = container.resolve(RiskRuleRegistry);
  const preview = container.resolve(RiskRulePreview);
  const shapes = () => registry.all().map((r) => ({ code: r.code, defaults: r.defaults }));
  router.use(requireWebRole('operator'));

  async function page(res: Parameters<typeof renderConsole>[0], after: string | undefined, extra: Record<string, unknown>, status?: number): Promise<void> {
    const [current, versions, open] = await Promise.all([
      ruleSets.current(OPERATOR),
      ruleSets.versions(OPERATOR, 10),
      queue.open({ limit: PAGE, after }).then((p) => p ?? queue.open({ limit: PAGE })),
    ]);
    const locale = principalOf(res).locale;
    renderConsole(
      res,
      'risk',
      {
        title: 'console.risk.title',
        version: current.version,
        settings: JSON.stringify(current.settings, null, 2),
        ruleSections: ruleSections(
          (current.settings ?? {}) as Record<string, unknown>,
          shapes(),
          extra.typed as Record<string, string> | undefined,
          (extra.rulesErrors ?? {}) as Record<string, string>,
        ),
        effective: JSON.stringify(current.effective, null, 2),
        versions,
        reviews: (open?.reviews ?? []).map((r) => ({ ...r, amountText: formatAmount(r.amount, r.currency, locale), expires: utc(r.expiresAt) })),
        next: open?.next ?? null,
        ...extra,
      },
      status,
    );
  }

  router.get('/', async (req, res) => {
    const after = reviewId.safeParse(req.query.after);
    const done = typeof req.query.done === 'string' && /^(rules|approve|reject)$/.test(req.query.done) ? req.query.done : null;
    const decided = reviewId.safeParse(req.query.review);
    const status = typeof req.query.payment_status === 'string' && PAYMENT_STATUS.test(req.query.payment_status) ? req.query.payment_status : null;
    const result =
      decided.success && status !== null && (done === 'approve' || done === 'reject')
        ? { id: decided.data, result: done === 'approve' ? 'approved' : 'rejected', paymentStatus: status }
        : null;
    await page(res, after.success ? after.data : undefined, { done, result });
  });

  // Step 1: the review's facts and what the decision will do. Nothing changes yet.
  router.post('/reviews/:id/:verdict/review', async (req, res) => {
    const id = reviewId.safeParse(req.params.id);
    const verdict = reviewDecisionOf(req.params.verdict);
    const scope = id.success ? await queue.scopeOf(id.data) : undefined;
    if (!id.success || scope === undefined || verdict === undefined)
      return page(res, undefined, { reviewError: { id: req.params.id, message: 'No such review.' } }, 404);
    const review = await reviews.retrieve({ merchantId: scope.merchantId, livemode: scope.livemode }, id.data);
    if (review.status !== 'open') return page(res, undefined, { reviewError: { id: id.data, message: `The review is already ${review.status}.` } }, 409);
    renderConsole(res, 'review-confirm', {
      title: `console.review.confirm_title_${verdict}`,
      verdict,
      review: reviewRowView(review, principalOf(res).locale, 'UTC'),
      merchantId: scope.merchantId,
    });
  });

  // Step 2: the confirmed decision.
  router.post('/reviews/:id/:verdict', async (req, res) => {
    const id = reviewId.safeParse(req.params.id);
    const verdict = reviewDecisionOf(req.params.verdict);
    const scope = id.success ? await queue.scopeOf(id.data) : undefined;
    if (!id.success || scope === undefined || verdict === undefined) {
      return page(res, undefined, { reviewError: { id: req.params.id, message: 'No such review.' } }, 404);
    }
    if (!isConfirmed(formOf(req))) {
      const refused = refusal(new TenderError('confirmation_required'));
      return page(res, undefined, { reviewError: { id: id.data, message: refused.message } }, refused.status);
    }
    const ctx = { merchantId: scope.merchantId, livemode: scope.livemode };
    let outcome;
    try {
      // decided_by says who decided in the review's terms (merchant, operator, expiry); the audit entry names the account.
      outcome =
        verdict === 'approve'
          ? await reviews.approve(ctx, id.data, OPERATOR_ACTOR, consoleActor(res))
          : await reviews.reject(ctx, id.data, OPERATOR_ACTOR, consoleActor(res));
    } catch (error) {
      const refused = refusal(error);
      return page(res, undefined, { reviewError: { id: id.data, message: refused.message } }, refused.status);
    }
    res.redirect(303, `${req.baseUrl}?done=${verdict}&review=${id.data}&payment_status=${outcome.payment.status}`);
  });

  // The rules form: a dry run on the last payments of every merchant (intent=preview) or a new audited version.
  router.post('/rules', async (req, res) => {
    const form = stringFields(formOf(req));
    const outcome = await submitRules(form, {
      scope: OPERATOR,
      rules: shapes(),
      ruleSets,
      preview,
      locale: principalOf(res).locale,
      auditActor: consoleActor(res),
    });
    if (outcome.kind === 'saved') {
      res.redirect(303, `${req.baseUrl}?done=rules`);
      return;
    }
    if (outcome.kind === 'refused') return page(res, undefined, { typed: form, rulesErrors: outcome.errors }, outcome.status);
    await page(res, undefined, { typed: form, rulesPreview: outcome.preview, previewLimit: form.preview_limit ?? '' });
  });

  router.post('/reviews/:id/:verdict', async (req, res) => {
    const id = reviewId.safeParse(req.params.id);
    const verdict = req.params.verdict;
    const scope = id.success ? await queue.scopeOf(id.data) : undefined;
    if (!id.success || scope === undefined || (verdict !== 'approve' && verdict !== 'reject')) {
      return page(res, undefined, { reviewError: { id: req.params.id, message: 'No such review.' } }, 404);
    }
    const ctx = { merchantId: scope.merchantId, livemode: scope.livemode };
    try {
      // decided_by says who decided in the review's terms (merchant, operator, expiry); the audit entry names the account.
      if (verdict === 'approve') await reviews.approve(ctx, id.data, OPERATOR_ACTOR, consoleActor(res));
      else await reviews.reject(ctx, id.data, OPERATOR_ACTOR, consoleActor(res));
    } catch (error) {
      const refused = refusal(error);
      return page(res, undefined, { reviewError: { id: id.data, message: refused.message } }, refused.status);
    }
    res.redirect(303, `${req.baseUrl}?done=${verdict}`);
  });

  return router;
}

/** The form's string fields (the console's parser may hand over other shapes; they count as absent). */
function stringFields(form: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
