import express, { Router } from 'express';
import { AwaitedPaymentSettler, NotificationAnswer } from '@tender/core';
import { SbpBank } from './sbp-bank';

/**
 * Receives one notification from `bank`: its signature checked by the bank's own
 * `verifyNotification` (a forged or altered one is refused with 401 and changes
 * nothing), then AwaitedPaymentSettler.settleNotification checks reference, amount
 * and currency and applies it; a duplicate changes nothing and is answered 200
 * again, so the bank stops sending it.
 *
 * @example
 * ```ts
 * const answer = await receiveSbpNotification(bank, settler, rawBody, (name) => req.get(name));
 * res.status(answer.status).json(answer.body);
 * ```
 */
export async function receiveSbpNotification(
  bank: SbpBank,
  settler: AwaitedPaymentSettler,
  raw: Buffer,
  header: (name: string) => string | undefined,
): Promise<{ status: number; body: NotificationAnswer['body'] }> {
  const notice = bank.verifyNotification(raw, header);
  if (notice === undefined) return { status: 401, body: { error: 'signature_invalid' } };
  return settler.settleNotification({
    adapterCode: bank.code,
    reference: notice.reference,
    amount: notice.amount,
    currency: notice.currency,
    outcome: notice.status === 'paid' ? 'paid' : 'refused',
    bankReference: notice.operationId,
  });
}

/**
 * POST /plugins/sbp/notifications/<adapter code>: where each SBP bank posts its
 * notifications, the raw body kept for the signature check.
 */
export function sbpNotificationRoutes(banks: readonly SbpBank[], settler: () => AwaitedPaymentSettler): Router {
  const router = Router();
  for (const bank of banks) {
    router.post(`/notifications/${bank.code}`, express.raw({ type: () => true, limit: '64kb' }), async (req, res, next) => {
      try {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const answer = await receiveSbpNotification(bank, settler(), raw, (name) => req.get(name));
        res.status(answer.status).json(answer.body);
      } catch (error) {
        next(error);
      }
    });
  }
  return router;
}
