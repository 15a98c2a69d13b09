import { Request, Response, Router } from 'express';
import { MerchantContext, callerOf, definePlugin, routerOnFirstRequest } from '@tender/core';
import { loyaltyRoutes } from './api/loyalty.routes';
import { loyaltyAdjuster } from './checkout/loyalty-adjuster';
import { pointsAddon } from './checkout/points-addon';
import { PaymentPoints } from './ledger/payment-points';
import { PointsLedger } from './ledger/points-ledger';
import { loyaltyTables } from './migrations';
import { LoyaltyStore, ProgramOwner } from './programs/loyalty-store';
import { registerLoyaltyScreens } from './screens/loyalty-screens';
import { PointsExpiry, expiryJob } from './ledger/points-expiry';
import { loyaltyOptions } from './options';

/**
 * @tender/plugin-loyalty: loyalty programs (docs/loyalty.md). Programs run by the
 * operator across merchants or by one merchant; loyalty cards (a number with a
 * check digit, or a payment card linked by its fingerprint); a double-entry points
 * ledger; bonus rules per merchant or category, fixed discounts and tiers; points
 * spent as a discount at confirm (core's AmountAdjuster, on the API and the hosted
 * page's card form), accrued on capture and reversed in proportion on refunds.
 * It uses only `@tender/core`'s public API.
 *
 * @example
 * ```ts
 * const gateway = await Gateway.create(config, { plugins: [sandboxPlugin, loyaltyPlugin] });
 * ```
 */
export const plugin = definePlugin({
  name: '@tender/plugin-loyalty',
  version: '0.1.0',
  coreRange: '^0.1.0',
  options: loyaltyOptions,
  migrations: [loyaltyTables],
  setup(ctx) {
    const db = () => ctx.core.database;
    const ledger = new PointsLedger();
    const store = new LoyaltyStore(db, ledger);
    const points = new PaymentPoints(store, ledger);
    ctx.registerAmountAdjuster(loyaltyAdjuster(db, store, points));
    ctx.registerMethodPartAddon(pointsAddon(db, store, points));
    // Accrual on capture, reversal on refunds, points back on failure: in the event's transaction.
    ctx.registerEventListener({
      onEvent: (q, event) =>
        points.onEvent(q, event, (tx, e) => ctx.core.payments.findIn(tx, { merchantId: e.merchantId, livemode: e.livemode }, e.objectId), ctx.core.clock.now()),
    });
    const merchantOwner = (_req: Request, res: Response): ProgramOwner => ({ kind: 'merchant', ctx: callerOf(res) });
    const operatorOwner = (req: Request): ProgramOwner => ({ kind: 'operator', livemode: req.query.livemode === 'true' });
    const fingerprintOf = async (merchant: MerchantContext, paymentId: string): Promise<string | null> =>
      (await ctx.core.payments.findIn(db(), merchant, paymentId))?.cardFingerprint ?? null;
    ctx.registerApiRoutes(
      '/loyalty',
      routerOnFirstRequest(() => loyaltyRoutes(merchantOwner, store, () => ctx.core.clock, fingerprintOf)),
    );
    ctx.registerAdminRoutes(
      '/loyalty',
      routerOnFirstRequest(() => loyaltyRoutes(operatorOwner, store, () => ctx.core.clock)),
    );
    registerLoyaltyScreens(ctx, store);
    const expiry = new PointsExpiry(db, ledger);
    ctx.registerBackgroundJob(expiryJob(expiry, ctx.options.expiryScanIntervalMs, () => ctx.core.clock.now(), ctx.core.scheduler));
    ctx.registerAdminRoutes(
      '/loyalty/expire',
      Router().post('/', async (_req, res) => void res.json({ expired: await expiry.runOnce(ctx.core.clock.now()) })),
    );
  },
});
