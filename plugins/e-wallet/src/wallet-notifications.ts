import express, { Router } from 'express';
import { AwaitedPaymentSettler, NotificationAnswer } from '@tender/core';
import { WalletProvider } from './wallet-provider';

/**
 * One notification from `wallet`: the wallet's own signature check first (a forged
 * or altered body is refused with 401 and changes nothing), then
 * AwaitedPaymentSettler.settleNotification (reference, amount and currency checked;
 * a duplicate answered 200 and ignored).
 *
 * @example
 * ```ts
 * const answer = await receiveWalletNotification(wallet, settler, rawBody, (name) => req.get(name));
 * ```
 */
export async function receiveWalletNotification(
  wallet: WalletProvider,
  settler: AwaitedPaymentSettler,
  raw: Buffer,
  header: (name: string) => string | undefined,
): Promise<{ status: number; body: NotificationAnswer['body'] }> {
  const notice = wallet.verifyNotification(raw, header);
  if (notice === undefined) return { status: 401, body: { error: 'signature_invalid' } };
  const outcome = notice.event === 'payment.succeeded' ? 'paid' : 'refused';
  return settler.settleNotification({
    adapterCode: wallet.code,
    reference: notice.reference,
    amount: notice.amount,
    currency: notice.currency,
    outcome,
    bankReference: notice.walletPaymentId,
  });
}

/** POST /plugins/e-wallet/notifications/<adapter code> for each wallet, the raw body kept for the signature. */
export function walletNotificationRoutes(wallets: readonly WalletProvider[], settler: () => AwaitedPaymentSettler): Router {
  const router = Router();
  for (const wallet of wallets) {
    router.post(`/notifications/${wallet.code}`, express.raw({ type: () => true, limit: '64kb' }), (req, res, next) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      receiveWalletNotification(wallet, settler(), raw, (name) => req.get(name))
        .then((answer) => void res.status(answer.status).json(answer.body))
        .catch(next);
    });
  }
  return router;
}
