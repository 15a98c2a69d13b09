import { Request, Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { AssistError } from './assist-error';
import { assistFields, merchantIdOf, parseOrderRequest } from './assist-request';
import { assistBody, assistErrorOf, bodyErrors } from './assist-routes-support';
import { escapeXml, formatOf, sendAssistError, sendAssistResult } from './assist-result';
import { AssistSettingsService } from './assist-settings.service';
import { AssistOrderService } from './assist-order.service';
import { assistOrderFields } from './assist-order-fields';
import { AssistRecurringService } from './assist-recurring.service';

/**
 * /pay/order.cfm (the shop's form POST: create the payment, 303 to Tender's payment
 * page) and /pay/payrequest.cfm (the same fields; answers with the page URL instead).
 * Exact paths, so they never shadow the hosted page's /pay/:token.
 */
export function assistOrderRoutes(container: ServiceResolver): Router {
  const router = Router();
  const settings = (): AssistSettingsService => container.resolve(AssistSettingsService);
  const orders = (): AssistOrderService => container.resolve(AssistOrderService);

  async function open(body: unknown): Promise<{ url: string; fields: Record<string, string> }> {
    const fields = assistFields(body);
    const merchant = await settings().findEnabled(merchantIdOf(fields));
    if (merchant === undefined) throw new AssistError('merchant_unknown');
    const input = parseOrderRequest(fields, merchant);
    const recurring = container.resolve(AssistRecurringService);
    const { payment, paymentUrl } = await orders().open(merchant, input, input.recurring ? () => recurring.customerForFirstOrder(merchant, input.orderNumber) : undefined);
    return { url: paymentUrl, fields: { ...assistOrderFields(merchant, payment, ''), url: paymentUrl } };
  }

  router.post('/pay/order.cfm', assistBody, async (req: Request, res: Response) => {
    try {
      res.redirect(303, (await open(req.body)).url);
    } catch (error) {
      sendErrorPage(res, assistErrorOf(container, error, req.path));
    }
  });

  router.post('/pay/payrequest.cfm', assistBody, async (req: Request, res: Response) => {
    const format = formatOf(assistFields(req.body).format ?? '5');
    if (format === undefined) {
      sendAssistError(res, 'json', new AssistError('format_unsupported'));
      return;
    }
    try {
      sendAssistResult(res, format, [(await open(req.body)).fields]);
    } catch (error) {
      sendAssistError(res, format, assistErrorOf(container, error, req.path));
    }
  });

  router.use(
    bodyErrors((error, res, req) => {
      if (req.path === '/pay/order.cfm') sendErrorPage(res, error);
      else sendAssistError(res, 'json', error);
    }),
  );
  return router;
}

/** The buyer sees a page, not XML: Assist shows its error page with the two codes. */
function sendErrorPage(res: Response, error: AssistError): void {
  res
    .status(error.firstcode === 9 ? 500 : 400)
    .setHeader('Cache-Control', 'no-store')
    .type('text/html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Payment error</title></head><body>` +
        `<h1>The payment could not be started</h1><p>${escapeXml(error.message)}</p>` +
        `<p>firstcode=<span id="firstcode">${error.firstcode}</span> secondcode=<span id="secondcode">${error.secondcode}</span></p></body></html>`,
    );
}
