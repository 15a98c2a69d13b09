import { Router } from 'express';
import { z } from 'zod';
import { DependencyContainer } from 'tsyringe';
import { RiskRuleSetService } from '../../monitoring/risk-rule-set.service';
import { RiskReviewService } from '../../monitoring/risk-review.service';
import { REVIEW_STATUSES, riskReviewView } from '../../monitoring/risk-review';
import { fields, parseInput } from '../validation';
import { callerOf } from '../middleware/merchant-auth';

export const listReviewsSchema = z
  .object({ status: z.enum(REVIEW_STATUSES).optional(), limit: fields.limit, starting_after: fields.id('rrv').optional() })
  .strict();
export const emptyBody = z.object({}).strict();
export const versionsSchema = z.object({ limit: fields.limit }).strict();

/** /v1/risk: the merchant's own rule set (versions, dry-run) and its review queue. */
export function riskRoutes(container: DependencyContainer): Router {
  const router = Router();
  const ruleSets = container.resolve(RiskRuleSetService);
  const reviews = container.resolve(RiskReviewService);
  const reviewId = fields.id('rrv');

  router.get('/risk/rules', async (_req, res) => {
    res.json(await ruleSets.current({ kind: 'merchant', ctx: callerOf(res) }));
  });

  router.put('/risk/rules', async (req, res) => {
    res.json(await ruleSets.replace({ kind: 'merchant', ctx: callerOf(res) }, req.body));
  });

  router.get('/risk/rules/versions', async (req, res) => {
    const query = parseInput(versionsSchema, req.query);
    res.json({ object: 'list', data: await ruleSets.versions({ kind: 'merchant', ctx: callerOf(res) }, query.limit) });
  });

  router.get('/risk/reviews', async (req, res) => {
    const query = parseInput(listReviewsSchema, req.query);
    const page = await reviews.list(callerOf(res), { status: query.status, limit: query.limit, startingAfter: query.starting_after });
    res.json({ object: 'list', data: page.reviews.map((r) => riskReviewView(r)), has_more: page.hasMore });
  });

  router.get('/risk/reviews/:id', async (req, res) => {
    const id = parseInput(reviewId, req.params.id);
    res.json(riskReviewView(await reviews.retrieve(callerOf(res), id)));
  });

  router.post('/risk/reviews/:id/approve', async (req, res) => {
    const id = parseInput(reviewId, req.params.id);
    parseInput(emptyBody, req.body ?? {});
    const { review, payment } = await reviews.approve(callerOf(res), id);
    res.json(riskReviewView(review, payment.status));
  });

  router.post('/risk/reviews/:id/reject', async (req, res) => {
    const id = parseInput(reviewId, req.params.id);
    parseInput(emptyBody, req.body ?? {});
    const { review, payment } = await reviews.reject(callerOf(res), id);
    res.json(riskReviewView(review, payment.status));
  });

  return router;
}
