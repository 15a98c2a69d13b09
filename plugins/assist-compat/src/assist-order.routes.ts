import { NextFunction, Request, Response, Router } from 'express';
import { CONFIG, ServiceResolver, TenderConfig } from '@tender/core';
import { AssistError } from './assist-error';
import { assistFields, merchantIdOf, parseOrderRequest } from './assist-request';
import { assistBody, assistErrorOf, bodyErrors } from './assist-routes-support';
import { escapeXml } from './assist-result';
import { AssistFormat, assistFormatOf, sendAssistAnswer, sendAssistFailure } from './assist-answer';
import { PAYREQUEST_REFUSED, PAYREQUEST_SHAPE, payrequestRecord } from './answers/payrequest-answer';
import { AssistSettingsService } from './assist-settings.service';
import { AssistOrderService } from './assist-order.service';
import { AssistRecurringService } from './assist-recurring.service';
import { AssistRecord } from './answers/assist-answer-render';

/**
 * /pay/order.cfm (the shop's form POST: create the payment, 303 to Tender's payment
 * page) and /pay/payrequest.cfm (the same fields; answers with the page URL instead).
 * Exact paths, so they never shadow the hosted page's /pay/:token.
 */
export function assistOrderRoutes(container: ServiceResolver): Router {
  const router = Router();
  const settings = (): AssistSettingsService => container.resolve(AssistSettingsService);
  const orders = (): AssistOrderService => container.resolve(AssistOrderService);

  async function open(body: unknown): Promise<{ url: string; fields: AssistRecord }> {
    const fields = assistFields(body);
    const merchant = await settings().findEnabled(merchantIdOf(fields));
    if (merchant === undefined) throw new AssistError('merchant_unknown');
    const input = parseOrderRequest(fields, merchant);
    const recurring = container.resolve(AssistRecurringService);
    const { payment, paymentUrl } = await orders().open(
      merchant,
      input,
      input.recurring ? () => recurring.customerForFirstOrder(merchant, input.orderNumber) : undefined,
    );
    const expiresAt = payment.createdAt + container.resolve<TenderConfig>(CONFIG).pageTtlMs;
    return { url: paymentUrl, fields: payrequestRecord(merchant, payment, paymentUrl, expiresAt) };
  }

  router.post('/pay/order.cfm', assistBody, async (req: Request, res: Response) => {
    try {
      res.redirect(303, (await open(req.body)).url);
    } catch (error) {
      sendErrorPage(res, assistErrorOf(container, error, req.path));
    }
  });

  router.post('/pay/payrequest.cfm', assistBody, async (req: Request, res: Response) => {
    let format: AssistFormat = 'json';
    try {
      format = assistFormatOf(assistFields(req.body).format, 'json');
      sendAssistAnswer(res, format, PAYREQUEST_SHAPE, [(await open(req.body)).fields]);
    } catch (error) {
      sendAssistFailure(res, format, assistErrorOf(container, error, req.path), PAYREQUEST_SHAPE, PAYREQUEST_REFUSED);
    }
  });

  const refuse = (error: AssistError, res: Response, req: Request): void => {
    if (req.path === '/pay/order.cfm') sendErrorPage(res, error);
    else sendAssistFailure(res, 'json', error, PAYREQUEST_SHAPE, PAYREQUEST_REFUSED);
  };
  // GET and the like: still an Assist answer (the buyer's page or the codes), never Tender's JSON 404.
  router.use((req: Request, res: Response) => refuse(new AssistError('operation_unknown', `Only POST is served (${req.method} ${req.path}).`), res, req));
  router.use(bodyErrors(refuse));
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => refuse(assistErrorOf(container, error, req.path), res, req));
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
