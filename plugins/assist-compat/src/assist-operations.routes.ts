import { Request, Response, Router } from 'express';
import { AttemptLimiter, CLOCK, Clock, Payment, TenderError, ServiceResolver } from '@tender/core';
import { AssistError } from './assist-error';
import { AssistFields, assistFields, merchantIdOf, parseListingDate, parseOperationAmount } from './assist-request';
import { assistBody, assistErrorOf, bodyErrors } from './assist-routes-support';
import { formatOf, sendAssistError, sendAssistResult } from './assist-result';
import { AssistMerchant, AssistSettingsService } from './assist-settings.service';
import { AssistOrderService } from './assist-order.service';
import { assistOrderFields } from './assist-order-fields';
import { assistLoginAttempt } from './assist-login-limits';

const DEFAULT_LISTING_MS = 3 * 24 * 3600_000;

/**
 * The shop's server-to-server calls, authenticated by Merchant_ID, Login and Password:
 * /orderstate/orderstate.cfm (one order, or the orders created in a date range),
 * /charge/charge.cfm (capture) and /cancel/wscancel.cfm (void or refund). The password
 * check runs under the gateway's attempt limiter (assist-login-limits.ts): the attempt
 * is counted before scrypt runs, so parallel guesses cannot outrun the lock.
 */
export function assistOperationRoutes(container: ServiceResolver): Router {
  const router = Router();
  const settings = (): AssistSettingsService => container.resolve(AssistSettingsService);
  const orders = (): AssistOrderService => container.resolve(AssistOrderService);

  async function authenticate(fields: AssistFields, address: string | undefined): Promise<AssistMerchant> {
    const merchant = await settings().findEnabled(merchantIdOf(fields));
    if (merchant === undefined) throw new AssistError('merchant_unknown');
    const limiter = container.resolve(AttemptLimiter);
    const attempt = await limiter.reserve(assistLoginAttempt(merchant.merchantId, address));
    if (!attempt.allowed) throw new AssistError('credentials_locked');
    // Wrong: the attempt stays counted.
    if (!(await settings().credentialsMatch(merchant, fields.login ?? '', fields.password ?? ''))) throw new AssistError('credentials_invalid');
    await limiter.succeeded(attempt.ticket);
    return merchant;
  }

  async function present(merchant: AssistMerchant, payments: readonly Payment[]): Promise<Array<Record<string, string>>> {
    return Promise.all(payments.map(async (p) => ({ ...assistOrderFields(merchant, p, await orders().approvalCode(p)) })));
  }

  /** Runs an operation and answers in the request's Format, errors included. */
  function handle(operation: (fields: AssistFields, merchant: AssistMerchant) => Promise<readonly Payment[]>) {
    return async (req: Request, res: Response): Promise<void> => {
      const fields = assistFields(req.body);
      const format = formatOf(fields.format);
      if (format === undefined) {
        sendAssistError(res, 'xml', new AssistError('format_unsupported'));
        return;
      }
      try {
        const merchant = await authenticate(fields, req.ip);
        sendAssistResult(res, format, await present(merchant, await operation(fields, merchant)));
      } catch (error) {
        sendAssistError(res, format, assistErrorOf(container, error, req.path));
      }
    };
  }

  router.post(
    '/orderstate/orderstate.cfm',
    assistBody,
    handle(async (f, merchant) => {
      if (f.billnumber !== undefined) {
        try {
          return [await orders().byBillnumber(merchant, f.billnumber)];
        } catch (error) {
          if (error instanceof AssistError || (error instanceof TenderError && error.code === 'resource_not_found')) return [];
          throw error;
        }
      }
      if (f.ordernumber !== undefined) return orders().byOrderNumber(merchant, f.ordernumber);
      const end = parseListingDate(f, 'end') ?? container.resolve<Clock>(CLOCK).now();
      const start = parseListingDate(f, 'start') ?? end - DEFAULT_LISTING_MS;
      if (start >= end) throw new AssistError('parameter_invalid', 'The start date must be before the end date.');
      return orders().createdBetween(merchant, start, end);
    }),
  );

  router.post(
    '/charge/charge.cfm',
    assistBody,
    handle(async (f, merchant) => {
      const payment = await orders().byBillnumber(merchant, requireBillnumber(f));
      return [await orders().charge(merchant, payment.id, parseOperationAmount(f, payment.currency))];
    }),
  );

  router.post(
    '/cancel/wscancel.cfm',
    assistBody,
    handle(async (f, merchant) => {
      const payment = await orders().byBillnumber(merchant, requireBillnumber(f));
      return [await orders().cancel(merchant, payment.id, parseOperationAmount(f, payment.currency))];
    }),
  );

  router.use(bodyErrors((error, res) => sendAssistError(res, 'xml', error)));
  return router;
}

function requireBillnumber(f: AssistFields): string {
  if (f.billnumber === undefined) throw new AssistError('parameter_invalid', 'Billnumber is required.');
  return f.billnumber;
}
