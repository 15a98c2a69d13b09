import { Request, Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { AssistError } from './assist-error';
import { assistFields } from './assist-request';
import { assistBody, assistErrorOf, bodyErrors } from './assist-routes-support';
import { AssistFormat, assistFormatOf, sendAssistAnswer, sendAssistFailure } from './assist-answer';
import { assistLogin } from './assist-login-limits';
import { assistOrderRecord } from './answers/assist-order-record';
import { AssistOrderOperations } from './assist-order-operations';
import { AssistRecurringService } from './assist-recurring.service';

/** Where Assist has rp.cfm; the shop's modules post there. */
export const ASSIST_RECURRING_PATH = '/recurrent/rp.cfm';

/**
 * The answer: `<result firstcode secondcode count><order>..</order></result>` (Format 3,
 * the default), or its JSON / CSV; the order with the fields orderstate shows (card,
 * codes, operations), which the reference's recurring answer reads.
 */
const SHAPE = { root: 'result', record: 'order' } as const;

/**
 * POST /recurrent/rp.cfm: Merchant_ID, Login, Password (throttled like every API
 * call), BillNumber of the first order, a new OrderNumber, OrderAmount (or Amount),
 * OrderCurrency (or Currency). Answers the new order's state: Approved when the
 * bank took the money, Declined with its response code when it did not.
 */
export function assistRecurringRoutes(container: ServiceResolver): Router {
  const router = Router();
  router.post(ASSIST_RECURRING_PATH, assistBody, async (req: Request, res: Response) => {
    const fields = assistFields(req.body);
    let format: AssistFormat = 'xml';
    try {
      format = assistFormatOf(fields.format, 'xml');
      const merchant = await assistLogin(container, fields, req.ip);
      const payment = await container.resolve(AssistRecurringService).charge(merchant, fields);
      const operations = await container.resolve(AssistOrderOperations).operationsOf([payment]);
      sendAssistAnswer(res, format, SHAPE, [assistOrderRecord(merchant, payment, operations.get(payment.id) ?? [])]);
    } catch (error) {
      sendAssistFailure(res, format, assistErrorOf(container, error, req.path), SHAPE.root);
    }
  });
  router.use(bodyErrors((error: AssistError, res) => sendAssistFailure(res, 'xml', error, SHAPE.root)));
  return router;
}
