import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { SigningSecretService } from '../../merchants/signing-secret.service';
import { HostedPageService } from '../../pages/hosted-page.service';
import { callerOf } from '../middleware/merchant-auth';

/**
 * GET /v1/account: who the key belongs to, and the merchant's signing secret for
 * verifying return_url signatures and signing HTML payment forms. Shown to the
 * secret key only (like the key itself, it must never reach a browser).
 */
export function accountSigningRoutes(container: DependencyContainer): Router {
  const router = Router();
  const secrets = container.resolve(SigningSecretService);
  const pages = container.resolve(HostedPageService);
  router.get('/account', async (_req, res) => {
    const who = callerOf(res);
    res.json({
      object: 'account',
      id: who.merchantId,
      name: await pages.merchantName(who.merchantId),
      livemode: who.livemode,
      signing_secret: await secrets.secretFor(who.merchantId),
    });
  });
  return router;
}
