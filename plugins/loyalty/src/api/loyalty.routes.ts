import { Request, Response, Router } from 'express';
import { Clock, MerchantContext, callerOf, notFound, parseInput } from '@tender/core';
import { z } from 'zod';
import { LoyaltyStore, ProgramOwner } from '../programs/loyalty-store';
import { LoyaltyCard, LoyaltyProgram } from '../programs/program';

const bps = z.number().int().min(0).max(10000);
const merchantOrNull = z.string().regex(/^mer_[0-9A-Za-z]{1,36}$/);

/** A new program: its rules (bonus per merchant or category, fixed discounts) and tiers. */
export const programSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    currency: z.string().regex(/^[A-Z]{3}$/),
    point_value: z.number().int().min(1).max(1_000_000).default(100),
    base_bps: bps.default(100),
    max_redeem_bps: bps.default(5000),
    expiry_days: z.number().int().min(1).max(3650).optional(),
    rules: z
      .array(
        z
          .object({
            kind: z.enum(['bonus', 'fixed_discount']),
            merchant_id: merchantOrNull.optional(),
            category: z
              .string()
              .regex(/^[a-z0-9_-]{1,64}$/)
              .optional(),
            bps: bps.optional(),
            amount: z.number().int().min(0).max(1e12).optional(),
            min_amount: z.number().int().min(0).max(1e12).optional(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    tiers: z
      .array(z.object({ name: z.string().trim().min(1).max(60), min_points: z.number().int().min(0).max(1e12), bonus_bps: bps }).strict())
      .max(10)
      .optional(),
  })
  .strict();

const cardSchema = z.object({ program: z.string().regex(/^lp_[0-9A-Za-z]{1,36}$/), holder: z.string().trim().max(200).optional() }).strict();
const linkSchema = z.object({ payment: z.string().regex(/^pay_[0-9A-Za-z]{1,36}$/) }).strict();
const numberParam = z.object({ number: z.string().regex(/^\d{16}$/) });

export function programView(p: LoyaltyProgram) {
  return {
    id: p.id,
    object: 'loyalty_program',
    owner: p.merchantId === null ? 'operator' : 'merchant',
    livemode: p.livemode,
    name: p.name,
    currency: p.currency,
    point_value: p.pointValue,
    base_bps: p.baseBps,
    max_redeem_bps: p.maxRedeemBps,
    expiry_days: p.expiryDays,
    status: p.status,
  };
}

export function cardView(c: LoyaltyCard, p: LoyaltyProgram) {
  return {
    object: 'loyalty_card',
    number: c.number,
    program: p.id,
    holder: c.holder,
    balance: c.balance,
    lifetime_points: c.lifetimePoints,
    linked_card: c.cardFingerprint !== null,
    value: c.balance * p.pointValue,
    currency: p.currency,
  };
}

/**
 * The loyalty API. Merchants (`/v1/loyalty/...`): their own programs, cards of
 * them, a card's balance and ledger, linking a payment card to a loyalty card.
 * The operator (`/admin/v1/loyalty/...`): programs across merchants. A merchant
 * never sees another merchant's program or card: they answer 404 as unknown ones.
 *
 * @example
 * ```ts
 * ctx.registerApiRoutes('/loyalty', merchantLoyaltyRoutes(store, clock, payments));
 * ```
 */
export function loyaltyRoutes(
  owner: (req: Request, res: Response) => ProgramOwner,
  store: LoyaltyStore,
  clock: () => Clock,
  cardFingerprintOf?: (ctx: MerchantContext, paymentId: string) => Promise<string | null>,
): Router {
  const router = Router();
  router.post('/programs', async (req, res) => {
    const input = parseInput(programSchema, req.body);
    res.status(201).json(programView(await store.createProgram(owner(req, res), input, clock().now())));
  });
  router.get('/programs', async (req, res) => {
    res.json({ object: 'list', data: (await store.programs(owner(req, res))).map(programView) });
  });
  for (const [action, status] of [
    ['pause', 'paused'],
    ['resume', 'active'],
  ] as const) {
    router.post(`/programs/:id/${action}`, async (req, res) => {
      const id = parseInput(z.object({ id: z.string().regex(/^lp_[0-9A-Za-z]{1,36}$/) }), { id: req.params.id }).id;
      await store.setStatus(owner(req, res), id, status, clock().now());
      res.json(programView((await store.program(owner(req, res), id))!));
    });
  }
  router.post('/cards', async (req, res) => {
    const input = parseInput(cardSchema, req.body);
    const who = owner(req, res);
    const program = await store.program(who, input.program);
    if (program === undefined) throw notFound('loyalty program', input.program);
    res.status(201).json(cardView(await store.issueCard(program, input.holder ?? null, clock().now()), program));
  });
  router.get('/cards/:number', async (req, res) => {
    const { number } = parseInput(numberParam, { number: req.params.number });
    const found = await store.cardOf(owner(req, res), number);
    if (found === undefined) throw notFound('loyalty card', number);
    const entries = await store.entries(found.card, 100);
    res.json({
      ...cardView(found.card, found.program),
      movements: entries.map((m) => ({
        id: m.id,
        kind: m.kind,
        points: Number(m.points),
        discount: Number(m.discount),
        payment: m.payment_id ?? null,
        created_at: new Date(Number(m.created_at)).toISOString(),
      })),
    });
  });
  if (cardFingerprintOf !== undefined) {
    router.post('/cards/:number/link', async (req, res) => {
      const { number } = parseInput(numberParam, { number: req.params.number });
      const input = parseInput(linkSchema, req.body);
      const ctx = callerOf(res);
      const found = await store.cardOf(owner(req, res), number);
      if (found === undefined) throw notFound('loyalty card', number);
      const fingerprint = await cardFingerprintOf(ctx, input.payment);
      if (fingerprint === null) throw notFound('payment', input.payment);
      await store.linkFingerprint(found.card, fingerprint);
      res.json(cardView({ ...found.card, cardFingerprint: fingerprint }, found.program));
    });
  }
  return router;
}
